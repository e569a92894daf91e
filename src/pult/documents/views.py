"""Thin views: selector → form → service → response. Files leave only through the
download views below, after the same selectors that lists use (404 if invisible)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.core.http import WorkspaceRequest
from pult.core.pagination import parse_cursor
from pult.core.params import id_or_none
from pult.core.views import apply_domain_error, section_required, workspace_required
from pult.documents import forms, policies, selectors, services
from pult.documents.models import Material
from pult.work.selectors import item_get

PARTIAL = "documents/_item_attachments.html"


def _file_response(
    field_file: Any, *, content_type: str, filename: str | None, max_age: int = 3600
) -> FileResponse:
    """A private file: as an attachment unless `filename` is None (thumbnails), never
    sniffed by the browser, cached by the browser only (not by shared proxies)."""
    if not field_file or not field_file.name:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=filename is not None,
        filename=filename or "",
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=max_age)
    return response


def _local_url(request: WorkspaceRequest, url: str) -> str | None:
    if not url.startswith("/") or url.startswith("//"):
        return None
    if not url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return None
    return url


# --- Attachments -------------------------------------------------------------------


@workspace_required
def attachment_download(request: WorkspaceRequest, attachment_id: int) -> FileResponse:
    try:
        attachment = selectors.attachment_get(
            actor=request.user, workspace=request.workspace, attachment_id=attachment_id
        )
    except NotFound as error:
        raise Http404 from error
    return _file_response(
        attachment.file, content_type=attachment.content_type, filename=attachment.original_name
    )


def _attachments_partial(
    request: WorkspaceRequest, item_id: int, *, next_url: str, errors: list[str] | None = None
) -> HttpResponse:
    try:
        item = item_get(actor=request.user, workspace=request.workspace, item_id=item_id)
    except NotFound as error:
        raise Http404 from error
    context = selectors.attachment_context(
        actor=request.user, workspace=request.workspace, item=item
    )
    context.update(next_url=next_url, upload_errors=errors or [])
    # htmx swaps only 2xx answers, so a refusal is a 200 that shows the error inline.
    response = render(request, PARTIAL, context)
    if not errors:
        # The files changed: the page refreshes what depends on them (a step that
        # needs a result file, see work.js), not only this list.
        response["HX-Trigger"] = "attachments-changed"
    return response


@require_POST
@workspace_required
def attachment_upload(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    next_url = _local_url(request, request.POST.get("next", "")) or f"/items/{item_id}/"
    form = forms.AttachmentForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                actor=request.user,
                workspace=request.workspace,
                item_id=item_id,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except NotFound as error:
            raise Http404 from error
        except DomainError as error:  # Forbidden included: shown, not a bare 403 page
            errors.append(error.message)
        else:
            if not request.htmx:
                messages.success(
                    request, _("%(name)s has been attached.") % {"name": attachment.original_name}
                )
    else:
        errors = [f"{form.fields[f].label}: {e}" for f, es in form.errors.items() for e in es]
    if request.htmx:
        return _attachments_partial(request, item_id, next_url=next_url, errors=errors)
    for error_text in errors:
        messages.error(request, error_text)
    return redirect(next_url)


@require_POST
@workspace_required
def attachment_remove(request: WorkspaceRequest, attachment_id: int) -> HttpResponse:
    try:
        attachment = selectors.attachment_get(
            actor=request.user, workspace=request.workspace, attachment_id=attachment_id
        )
        services.attachment_remove(
            actor=request.user, workspace=request.workspace, attachment_id=attachment_id
        )
    except NotFound as error:
        raise Http404 from error
    except Forbidden as error:
        raise PermissionDenied from error
    next_url = _local_url(request, request.POST.get("next", "")) or f"/items/{attachment.item_id}/"
    if request.htmx:
        return _attachments_partial(request, attachment.item_id, next_url=next_url)
    messages.success(request, _("%(name)s has been removed.") % {"name": attachment.original_name})
    return redirect(next_url)


# --- Knowledge base ----------------------------------------------------------------


@section_required("kb")
def article_list(request: WorkspaceRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "documents/article_list.html",
        {
            "articles": selectors.article_list(
                actor=request.user, workspace=request.workspace, query=query
            ),
            "query": query,
            "can_manage": policies.can_manage_knowledge(request.user, request.workspace),
        },
    )


@section_required("kb")
def article_detail(request: WorkspaceRequest, slug: str) -> HttpResponse:
    try:
        article = selectors.article_get(actor=request.user, workspace=request.workspace, slug=slug)
    except NotFound as error:
        raise Http404 from error
    return render(
        request,
        "documents/article_detail.html",
        {
            "article": article,
            "can_manage": policies.can_manage_knowledge(request.user, request.workspace),
        },
    )


@section_required("kb")
def article_create(request: WorkspaceRequest) -> HttpResponse:
    if not policies.can_manage_knowledge(request.user, request.workspace):
        raise PermissionDenied
    form = forms.ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(
                actor=request.user,
                workspace=request.workspace,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The article has been published."))
            return redirect("documents:article_detail", slug=article.slug)
    return render(
        request,
        "documents/article_form.html",
        {"form": form, "article": None},
        status=400 if form.errors else 200,
    )


@section_required("kb")
def article_edit(request: WorkspaceRequest, slug: str) -> HttpResponse:
    if not policies.can_manage_knowledge(request.user, request.workspace):
        raise PermissionDenied
    try:
        article = selectors.article_get(actor=request.user, workspace=request.workspace, slug=slug)
    except NotFound as error:
        raise Http404 from error
    form = forms.ArticleForm(
        request.POST or None, initial={"title": article.title, "body": article.body}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(
                actor=request.user,
                workspace=request.workspace,
                article_id=article.pk,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("documents:article_detail", slug=article.slug)
    return render(
        request,
        "documents/article_form.html",
        {"form": form, "article": article},
        status=400 if form.errors else 200,
    )


# --- Materials ---------------------------------------------------------------------


@section_required("materials")
def material_list(request: WorkspaceRequest) -> HttpResponse:
    actor, workspace = request.user, request.workspace
    query = request.GET.get("q", "").strip()[:100]
    category_id = id_or_none(request.GET.get("category"))
    brand_id = id_or_none(request.GET.get("brand"))
    page = selectors.material_page(
        actor=actor,
        workspace=workspace,
        query=query,
        category_id=category_id,
        brand_id=brand_id,
        cursor=parse_cursor(request.GET.get("after")),
    )
    return render(
        request,
        "documents/material_list.html",
        {
            "page": page,
            "query": query,
            "category_id": category_id,
            "brand_id": brand_id,
            "categories": selectors.material_category_list(actor=actor, workspace=workspace),
            "brands": selectors.brand_list(actor=actor, workspace=workspace),
            "can_manage": policies.can_manage_materials(actor, workspace),
        },
    )


@section_required("materials")
def material_upload(request: WorkspaceRequest) -> HttpResponse:
    """The upload form and, beside it, the form that adds a category."""
    actor, workspace = request.user, request.workspace
    if not policies.can_manage_materials(actor, workspace):
        raise PermissionDenied
    posted = request.method == "POST"
    adding_category = posted and "add_category" in request.POST
    form = forms.MaterialForm(
        request.POST if posted and not adding_category else None,
        request.FILES if posted and not adding_category else None,
        workspace=workspace,
    )
    category_form = forms.MaterialCategoryForm(request.POST if adding_category else None)
    if adding_category and category_form.is_valid():
        try:
            category = services.material_category_create(
                actor=actor, workspace=workspace, name=category_form.cleaned_data["name"]
            )
        except DomainError as error:
            apply_domain_error(category_form, error)
        else:
            messages.success(request, _("Category %(name)s created.") % {"name": category.name})
            return redirect("documents:material_upload")
    elif posted and not adding_category and form.is_valid():
        data = form.cleaned_data
        try:
            material = services.material_add(
                actor=actor,
                workspace=workspace,
                title=data["title"],
                category_id=data["category"].pk,
                brand_id=data["brand"].pk if data["brand"] else None,
                tags=data["tags"],
                upload=data["file"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("%(title)s has been added.") % {"title": material.title})
            return redirect("documents:material_list")
    has_errors = bool(form.errors or category_form.errors)
    return render(
        request,
        "documents/material_upload.html",
        {
            "form": form,
            "category_form": category_form,
            "has_categories": bool(form.fields["category"].queryset.exists()),  # type: ignore[attr-defined]
        },
        status=400 if has_errors else 200,
    )


def _material(request: WorkspaceRequest, material_id: int) -> Material:
    try:
        return selectors.material_get(
            actor=request.user, workspace=request.workspace, material_id=material_id
        )
    except NotFound as error:
        raise Http404 from error


@section_required("materials")
def material_download(request: WorkspaceRequest, material_id: int) -> FileResponse:
    material = _material(request, material_id)
    return _file_response(
        material.file, content_type=material.content_type, filename=material.original_name
    )


@section_required("materials")
def material_thumbnail(request: WorkspaceRequest, material_id: int) -> FileResponse:
    material = _material(request, material_id)
    name = material.thumbnail.name or ""
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    # Made by us from a re-encoded picture: safe to show inline, and it never changes.
    return _file_response(material.thumbnail, content_type=content_type, filename=None)


@require_POST
@section_required("materials")
def material_remove(request: WorkspaceRequest, material_id: int) -> HttpResponse:
    try:
        services.material_remove(
            actor=request.user, workspace=request.workspace, material_id=material_id
        )
    except NotFound as error:
        raise Http404 from error
    except Forbidden as error:
        raise PermissionDenied from error
    messages.success(request, _("The material has been removed."))
    return redirect("documents:material_list")
