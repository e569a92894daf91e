"""Thin views of newsletters: selector → form → service → response.

Only holders of newsletters.send reach these pages; for everyone else, and for other
workspaces' ids, they do not exist (404). The unsubscribe page is public: the signed
token in its link is the credential.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pult.accounts.models import User
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.pagination import keyset_page, parse_cursor
from pult.core.views import apply_domain_error, section_required
from pult.newsletters import forms, selectors, services
from pult.newsletters.models import Delivery, Newsletter, Segment


def _sender(request: WorkspaceRequest) -> User:
    actor = actor_of(request)
    if not selectors.can_send_newsletters(actor, request.workspace):
        raise Http404
    return actor


def _segment(request: WorkspaceRequest, actor: User, segment_id: int) -> Segment:
    try:
        return selectors.segment_get(
            actor=actor, workspace=request.workspace, segment_id=segment_id
        )
    except NotFound as error:
        raise Http404 from error


def _newsletter(request: WorkspaceRequest, actor: User, newsletter_id: int) -> Newsletter:
    try:
        return selectors.newsletter_get(
            actor=actor, workspace=request.workspace, newsletter_id=newsletter_id
        )
    except NotFound as error:
        raise Http404 from error


# --- Segments ---------------------------------------------------------------------


@section_required("newsletters")
def segment_list(request: WorkspaceRequest) -> HttpResponse:
    actor = _sender(request)
    segments = list(selectors.segment_list(actor=actor, workspace=request.workspace))
    described = selectors.segment_filters_text(segments, workspace=request.workspace)
    rows = [(segment, described[segment.pk]) for segment in segments]
    return render(request, "newsletters/segment_list.html", {"segments": rows})


def _segment_initial(segment: Segment) -> dict[str, Any]:
    filters = segment.filters
    return {
        "name": segment.name,
        "status": filters.get("status", ""),
        "industry": filters.get("industry", ""),
        "source": filters.get("source", ""),
        "manager_id": filters.get("manager_id"),
        "tags": ", ".join(filters.get("tags", [])),
    }


def _count_for(request: WorkspaceRequest, filters: dict[str, Any]) -> dict[str, int]:
    contacts = selectors.filtered_contacts(workspace=request.workspace, filters=filters)
    return selectors.recipient_count(contacts)


@section_required("newsletters")
def segment_edit(request: WorkspaceRequest, segment_id: int | None = None) -> HttpResponse:
    actor, workspace = _sender(request), request.workspace
    segment = _segment(request, actor, segment_id) if segment_id else None
    initial = _segment_initial(segment) if segment else {}
    form = forms.SegmentForm(request.POST or None, initial=initial, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            segment = services.segment_save(
                actor=actor,
                workspace=workspace,
                name=form.cleaned_data["name"],
                filters=form.filters(),
                segment=segment,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Segment %(name)s saved.") % {"name": segment.name})
            return redirect("newsletters:segment_list")
    count = _count_for(request, segment.filters) if segment else None
    return render(
        request,
        "newsletters/segment_edit.html",
        {"form": form, "segment": segment, "count": count},
        status=400 if form.errors else 200,
    )


@section_required("newsletters")
def segment_count(request: WorkspaceRequest) -> HttpResponse:
    """The live count under the segment form: the recipients its current filters reach."""
    _sender(request)
    try:
        filters = services.clean_filters(request.GET.dict())
    except (DomainError, ValueError):
        filters = None
    count = _count_for(request, filters) if filters is not None else None
    return render(request, "newsletters/_segment_count.html", {"count": count})


# --- Newsletters ------------------------------------------------------------------


@section_required("newsletters")
def newsletter_list(request: WorkspaceRequest) -> HttpResponse:
    actor = _sender(request)
    newsletters = selectors.newsletter_list(actor=actor, workspace=request.workspace)
    page = keyset_page(newsletters, cursor=parse_cursor(request.GET.get("after")))
    return render(request, "newsletters/newsletter_list.html", {"page": page})


@section_required("newsletters")
def newsletter_edit(request: WorkspaceRequest, newsletter_id: int | None = None) -> HttpResponse:
    actor, workspace = _sender(request), request.workspace
    newsletter = _newsletter(request, actor, newsletter_id) if newsletter_id else None
    if newsletter is not None and newsletter.status != Newsletter.Status.DRAFT:
        return redirect("newsletters:newsletter_status", newsletter_id=newsletter.pk)
    initial: dict[str, Any] = {}
    if newsletter is not None:
        initial = {
            "segment": newsletter.segment_id,
            "subject": newsletter.subject,
            "body": newsletter.body,
            "rate_per_minute": newsletter.rate_per_minute,
        }
    form = forms.NewsletterForm(request.POST or None, initial=initial, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            newsletter = services.newsletter_save(
                actor=actor, workspace=workspace, newsletter=newsletter, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Newsletter saved."))
            return redirect("newsletters:newsletter_detail", newsletter_id=newsletter.pk)
    return render(
        request,
        "newsletters/newsletter_edit.html",
        {"form": form, "newsletter": newsletter},
        status=400 if form.errors else 200,
    )


def _preview_context(newsletter: Newsletter) -> dict[str, Any]:
    contact = selectors.first_recipient(newsletter.segment)
    return {
        "newsletter": newsletter,
        "contact": contact,
        "preview": services.newsletter_preview(newsletter=newsletter, contact=contact)
        if contact
        else None,
        "count": selectors.recipient_count(selectors.segment_contacts(newsletter.segment)),
    }


@section_required("newsletters")
def newsletter_detail(request: WorkspaceRequest, newsletter_id: int) -> HttpResponse:
    """A draft with the preview for its first recipient; a sent one shows its deliveries."""
    newsletter = _newsletter(request, _sender(request), newsletter_id)
    if newsletter.status != Newsletter.Status.DRAFT:
        return redirect("newsletters:newsletter_status", newsletter_id=newsletter.pk)
    return render(request, "newsletters/newsletter_detail.html", _preview_context(newsletter))


@section_required("newsletters")
@require_http_methods(["GET", "POST"])
def newsletter_send(request: WorkspaceRequest, newsletter_id: int) -> HttpResponse:
    """GET asks for confirmation; POST sends (once: a second POST is refused)."""
    actor = _sender(request)
    newsletter = _newsletter(request, actor, newsletter_id)
    if request.method == "POST":
        try:
            services.newsletter_send(
                actor=actor, workspace=request.workspace, newsletter_id=newsletter.pk
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The newsletter is being sent."))
        return redirect("newsletters:newsletter_status", newsletter_id=newsletter.pk)
    if newsletter.status != Newsletter.Status.DRAFT:
        return redirect("newsletters:newsletter_status", newsletter_id=newsletter.pk)
    return render(request, "newsletters/newsletter_send.html", _preview_context(newsletter))


@section_required("newsletters")
def newsletter_status(request: WorkspaceRequest, newsletter_id: int) -> HttpResponse:
    newsletter = _newsletter(request, _sender(request), newsletter_id)
    # The outbox has no delivery hook: bring the rows up to date with it on each view.
    newsletter = services.newsletter_sync(newsletter_id=newsletter.pk)
    status = request.GET.get("status", "")
    status = status if status in Delivery.Status.values else ""
    counts = selectors.delivery_counts(newsletter)
    return render(
        request,
        "newsletters/newsletter_status.html",
        {
            "newsletter": newsletter,
            "counts": [(value, label, counts[value]) for value, label in Delivery.Status.choices],
            "total": sum(counts.values()),
            "status": status,
            "page": selectors.delivery_page(
                newsletter, status=status, cursor=parse_cursor(request.GET.get("after"))
            ),
        },
    )


# --- Unsubscribe (public) ---------------------------------------------------------


# A mail client's one-click unsubscribe (RFC 8058) POSTs without a CSRF token; the signed
# token in the address is the proof, and the only effect is to unsubscribe that contact.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows the question (mail scanners follow links); POST unsubscribes."""
    try:
        if request.method == "POST":
            contact = services.contact_unsubscribe(token=token)
            return render(
                request, "newsletters/unsubscribe.html", {"contact": contact, "done": True}
            )
        contact = services.contact_for_token(token)
    except NotFound as error:
        raise Http404 from error
    return render(request, "newsletters/unsubscribe.html", {"contact": contact})
