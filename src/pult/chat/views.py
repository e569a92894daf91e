"""Thin views: the chat's no-JavaScript path and the catch-up list after a reconnect.
The live path is the socket (consumers.py); both end in the same services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from pult.chat import exports, selectors, services
from pult.chat.forms import MessageForm
from pult.chat.rendering import attach_content_html
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest
from pult.core.pagination import parse_cursor
from pult.core.views import apply_domain_error, workspace_required
from pult.work.selectors import item_visible_to

if TYPE_CHECKING:
    from pult.work.models import Item


def _item(request: WorkspaceRequest, item_id: int) -> Item:
    item = (
        item_visible_to(request.user, request.workspace)
        .select_related("item_type", "workspace")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404
    return item


def _back(request: WorkspaceRequest, anchor: str) -> HttpResponse:
    """Back to the page the form was on (the item page), at the chat."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("ui:home")
    return redirect(f"{target.split('#')[0]}#{anchor}")


@require_POST
@workspace_required
def post(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    """Write in an item's chat, with files if any. htmx (and chat.js when files are
    chosen: a socket cannot carry them) gets the new message's partial (or the errors,
    retargeted to the form's error slot); a plain form post is redirected back."""
    form = MessageForm(request.POST, request.FILES)
    message = None
    if form.is_valid():
        try:
            message = services.message_post(
                actor=request.user,
                workspace=request.workspace,
                item_id=item_id,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"],
                uploads=form.cleaned_data["files"],
            )
        except NotFound as error:
            raise Http404 from error
        except DomainError as error:
            apply_domain_error(form, error)
    elif not item_visible_to(request.user, request.workspace).filter(pk=item_id).exists():
        raise Http404  # an invisible item does not exist, even for a malformed post
    if request.htmx:
        if message is None:
            response = render(request, "chat/_post_errors.html", {"form": form})
            # htmx swaps 2xx only: keep 200 and send the errors to the form's slot.
            response["HX-Retarget"] = f"#chat-errors-{item_id}"
            response["HX-Reswap"] = "innerHTML"
            return response
        shown = selectors.message_get(
            actor=request.user, workspace=request.workspace, message_id=message.pk
        )
        return render(
            request, "chat/_message.html", {"message": shown, "viewer": request.user}, status=201
        )
    if message is None:
        for errors in form.errors.values():
            for error_text in errors:
                messages.error(request, str(error_text))
        return _back(request, f"chat-{item_id}")
    return _back(request, f"message-{message.pk}")


@require_GET
@workspace_required
def messages_list(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    """The chat's messages as list items: `after=<id>` for what a reconnecting page
    missed, `before=<id>` for older ones, neither for the newest page."""
    item = _item(request, item_id)
    page = selectors.message_list(
        actor=request.user,
        workspace=request.workspace,
        item=item,
        after_id=parse_cursor(request.GET.get("after")),
        before_id=parse_cursor(request.GET.get("before")),
    )
    readers = selectors.reader_list(workspace=request.workspace, item=item)
    selectors.mark_seen_by(workspace=request.workspace, item=item, messages=page, readers=readers)
    attach_content_html(page)
    response = render(
        request, "chat/_message_items.html", {"chat_messages": page, "viewer": request.user}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@workspace_required
def export(request: WorkspaceRequest, item_id: int) -> StreamingHttpResponse:
    """The item's chat as CSV: exactly the messages the person sees on the page."""
    item = _item(request, item_id)
    rows = selectors.message_export_rows(actor=request.user, workspace=request.workspace, item=item)
    return exports.chat_csv_response(rows, filename=f"{item.reference or item.pk}-chat.csv")
