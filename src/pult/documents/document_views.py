"""Thin views of contract and order documents: selector → form → service → response.

A contract's documents have a page of their own (linked from each contract on the
client page, which so keeps its query count); an order's documents are a panel of the
order page (`documents/_documents_panel.html`). Writes answer htmx with the panel
(refusals shown inline) and plain posts with a redirect and a message. Files leave only
through `document_version_download`, after the same selector the lists use.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.core.http import WorkspaceRequest
from pult.core.views import section_required, workspace_required
from pult.documents import document_selectors as selectors
from pult.documents import document_services as services
from pult.documents import forms
from pult.documents.models import Document
from pult.documents.views import _file_response, _local_url
from pult.parties.client_selectors import contract_get
from pult.parties.models import Contract
from pult.work.models import Item
from pult.work.selectors import item_get

PANEL = "documents/_documents.html"


def _contract(request: WorkspaceRequest, contract_id: int) -> Contract:
    try:
        return contract_get(
            actor=request.user, workspace=request.workspace, contract_id=contract_id
        )
    except NotFound as error:
        raise Http404 from error


def _item(request: WorkspaceRequest, item_id: int) -> Item:
    try:
        item = item_get(actor=request.user, workspace=request.workspace, item_id=item_id)
    except NotFound as error:
        raise Http404 from error
    if not selectors.item_takes_documents(item):
        raise Http404
    return item


def _owner_url(contract_id: int | None, item_id: int | None) -> str:
    if contract_id is not None:
        return reverse("documents:contract_documents", args=[contract_id])
    return reverse("work:item_detail", args=[item_id])


def _form_errors(form: Any) -> list[str]:
    return [
        f"{form.fields[f].label}: {e}" if f in form.fields else e
        for f, es in form.errors.items()
        for e in es
    ]


def _answer(
    request: WorkspaceRequest,
    *,
    contract_id: int | None,
    item_id: int | None,
    errors: list[str],
    error_for: str,
    success: str,
) -> HttpResponse:
    """htmx: the refreshed panel, with a refusal shown inline next to the form that
    caused it; a plain post: back to where the person came from, with a message."""
    next_url = _local_url(request, request.POST.get("next", "")) or _owner_url(contract_id, item_id)
    if request.htmx:
        if contract_id is not None:
            context = selectors.document_panel(
                actor=request.user,
                workspace=request.workspace,
                contract=_contract(request, contract_id),
            )
        else:
            assert item_id is not None
            context = selectors.document_panel(
                actor=request.user, workspace=request.workspace, item=_item(request, item_id)
            )
        context.update(next_url=next_url, document_errors=errors, document_error_for=error_for)
        # htmx swaps only 2xx answers, so a refusal is a 200 that shows the error inline.
        return render(request, PANEL, context)
    if errors:
        for error in errors:
            messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect(next_url)


def _visible_document(request: WorkspaceRequest, document_id: int) -> Document:
    try:
        return selectors.document_get(
            actor=request.user, workspace=request.workspace, document_id=document_id
        )
    except NotFound as error:
        raise Http404 from error


# --- Pages --------------------------------------------------------------------------


@section_required("clients")
def contract_documents(request: WorkspaceRequest, contract_id: int) -> HttpResponse:
    """A contract and its documents: whoever sees the client sees them."""
    contract = _contract(request, contract_id)
    context = selectors.document_panel(
        actor=request.user, workspace=request.workspace, contract=contract
    )
    context.update(contract=contract, client=contract.client)
    return render(request, "documents/contract_documents.html", context)


@workspace_required
def document_version_download(request: WorkspaceRequest, version_id: int) -> FileResponse:
    try:
        version = selectors.document_version_get(
            actor=request.user, workspace=request.workspace, version_id=version_id
        )
    except NotFound as error:
        raise Http404 from error
    return _file_response(
        version.file, content_type=version.content_type, filename=version.original_name
    )


# --- Writes -------------------------------------------------------------------------


def _add(
    request: WorkspaceRequest, *, contract_id: int | None, item_id: int | None
) -> HttpResponse:
    # Invisible owners do not exist, whatever was posted.
    if contract_id is not None:
        _contract(request, contract_id)
    else:
        assert item_id is not None
        _item(request, item_id)
    form = forms.DocumentForm(request.POST, request.FILES)
    errors: list[str] = []
    success = ""
    if form.is_valid():
        try:
            document = services.document_add(
                actor=request.user,
                workspace=request.workspace,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                contract_id=contract_id,
                item_id=item_id,
            )
        except NotFound as error:
            raise Http404 from error
        except DomainError as error:  # Forbidden included: said next to the form
            errors.append(error.message)
        else:
            success = _("The document %(title)s has been added.") % {"title": document.title}
    else:
        errors = _form_errors(form)
    return _answer(
        request,
        contract_id=contract_id,
        item_id=item_id,
        errors=errors,
        error_for="new",
        success=success,
    )


@require_POST
@section_required("clients")
def contract_document_add(request: WorkspaceRequest, contract_id: int) -> HttpResponse:
    return _add(request, contract_id=contract_id, item_id=None)


@require_POST
@workspace_required
def item_document_add(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    return _add(request, contract_id=None, item_id=item_id)


@require_POST
@workspace_required
def document_version_add(request: WorkspaceRequest, document_id: int) -> HttpResponse:
    document = _visible_document(request, document_id)
    form = forms.DocumentVersionForm(request.POST, request.FILES)
    errors: list[str] = []
    success = ""
    if form.is_valid():
        try:
            version = services.document_version_add(
                actor=request.user,
                workspace=request.workspace,
                document_id=document.pk,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except NotFound as error:
            raise Http404 from error
        except DomainError as error:
            errors.append(error.message)
        else:
            success = _("Version %(number)s of %(title)s has been uploaded.") % {
                "number": version.number,
                "title": document.title,
            }
    else:
        errors = _form_errors(form)
    return _answer(
        request,
        contract_id=document.contract_id,
        item_id=document.item_id,
        errors=errors,
        error_for=str(document.pk),
        success=success,
    )


@require_POST
@workspace_required
def document_rename(request: WorkspaceRequest, document_id: int) -> HttpResponse:
    document = _visible_document(request, document_id)
    form = forms.DocumentRenameForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.document_rename(
                actor=request.user,
                workspace=request.workspace,
                document_id=document.pk,
                title=form.cleaned_data["title"],
            )
        except DomainError as error:
            errors.append(error.message)
    else:
        errors = _form_errors(form)
    return _answer(
        request,
        contract_id=document.contract_id,
        item_id=document.item_id,
        errors=errors,
        error_for=str(document.pk),
        success=_("Changes saved."),
    )


@require_POST
@workspace_required
def document_remove(request: WorkspaceRequest, document_id: int) -> HttpResponse:
    document = _visible_document(request, document_id)
    try:
        services.document_remove(
            actor=request.user, workspace=request.workspace, document_id=document.pk
        )
    except NotFound as error:
        raise Http404 from error
    except Forbidden as error:
        raise PermissionDenied from error
    return _answer(
        request,
        contract_id=document.contract_id,
        item_id=document.item_id,
        errors=[],
        error_for="",
        success=_("The document %(title)s has been removed.") % {"title": document.title},
    )
