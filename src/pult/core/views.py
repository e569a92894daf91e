"""Helpers shared by thin views: workspace guard, permission guard, error mapping."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from pult.access.policies import has_permission
from pult.accounts.vocabulary import section_on
from pult.core.exceptions import DomainError, Forbidden

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def workspace_required(view: View) -> View:
    """Logged in and a member of some workspace; otherwise the 'no workspace' page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request, "workspace", None) is None:
            return render(request, "ui/no_workspace.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def permission_required(code: str) -> Callable[[View], View]:
    """A page for holders of `code` in the current workspace; 403 (no data) for others."""

    def decorator(view: View) -> View:
        @workspace_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_permission(request.user, request.workspace, code):  # type: ignore[arg-type, attr-defined]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def section_required(key: str) -> Callable[[View], View]:
    """A page of the workspace section `key` (accounts.vocabulary.SECTIONS): where the
    workspace does not run the section the page does not exist (404), like its menu
    entry. Implies `workspace_required`; reads the workspace row, no query."""

    def decorator(view: View) -> View:
        @workspace_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not section_on(request.workspace, key):  # type: ignore[attr-defined]
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.section_key = key  # type: ignore[attr-defined]  # for tests and the menu
        return wrapper  # type: ignore[return-value]

    return decorator


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: per field where it names one, else on top."""
    placed = False
    for field, messages in error.field_errors.items():
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
                placed = True
    if not placed or not error.field_errors:
        form.add_error(None, error.message)


def not_found() -> Http404:
    return Http404()


def refused(
    request: HttpRequest, error: DomainError, page: Callable[[], HttpResponse]
) -> HttpResponse:
    """A refused action answers as the API does, 403 when the person may not do it and
    400 when the input or the state is wrong, with the page they acted on drawn again
    and the refusal at its top (a redirect would answer 302 to a forbidden post)."""
    flash.error(request, error.message)
    status = 403 if isinstance(error, Forbidden) else 400
    try:
        response = page()
    except Http404:  # a page they may not open (an applicant's post to the queue)
        return render(request, "ui/403.html", status=status)
    response.status_code = status
    return response
