"""The desk's pages: the queue as specialists take it (take the next one, switch the
automatic assignment) and the requester's own requests with their places in it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pult.accounts.models import User
from pult.accounts.vocabulary import words_for
from pult.core.exceptions import DomainError
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.pagination import parse_cursor
from pult.core.views import refused, section_required
from pult.desk import services as desk_services
from pult.desk.forecast import desk_pace
from pult.work import policies, selectors
from pult.work.filters import parse_filter
from pult.work.models import Item
from pult.work.pages import item_type_of


@section_required("queue")
def queue(request: WorkspaceRequest) -> HttpResponse:
    """The queue as specialists take it: urgent first, then by filing time."""
    actor = actor_of(request)
    if not (
        policies.can_take_items(actor, request.workspace)
        or policies.can_manage_items(actor, request.workspace)
    ):
        raise Http404
    item_type = item_type_of(request, parse_filter(request.GET))
    rows = selectors.queue_list(workspace=request.workspace, item_type_id=item_type.pk)
    pace = desk_pace(request.workspace, item_type.pk)
    context = {
        "item_type": item_type,
        "rows": [
            (position, item, pace.expected_start(position)) for position, item in enumerate(rows)
        ],
        "waiting": selectors.queue_length(workspace=request.workspace, item_type_id=item_type.pk),
        "can_take": policies.can_take_items(actor, request.workspace),
        "can_manage": policies.can_manage_items(actor, request.workspace),
        "mine": selectors.my_work(actor=actor, workspace=request.workspace),
    }
    return render(request, "desk/queue.html", context)


@require_POST
@section_required("queue")
def take_next(request: WorkspaceRequest) -> HttpResponse:
    item_type = item_type_of(request, parse_filter(request.POST))
    try:
        item = desk_services.work_item_take_next(
            actor=actor_of(request), workspace=request.workspace, item_type_key=item_type.key
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("desk:queue")
    messages.success(request, _("%(ref)s is yours now.") % {"ref": item.reference})
    return redirect("work:item_detail", item_id=item.pk)


def _track_context(request: WorkspaceRequest) -> dict[str, Any]:
    actor = actor_of(request)
    page = selectors.track_list(
        actor=actor,
        workspace=request.workspace,
        cursor=parse_cursor(request.GET.get("after")),
        page_size=selectors.TRACK_PAGE,
    )
    paces: dict[int, Any] = {}
    track = []
    for item in page.rows:
        expected = None
        ahead: int | None = getattr(item, "ahead", None)  # annotated by the selector
        if ahead is not None:
            if item.item_type_id not in paces:
                paces[item.item_type_id] = desk_pace(request.workspace, item.item_type_id)
            expected = paces[item.item_type_id].expected_start(ahead)
        track.append((item, expected))
    return {"track": track, "page": page}


@require_POST
@section_required("queue")
def auto_assign_toggle(request: WorkspaceRequest) -> HttpResponse:
    item_type = item_type_of(request, parse_filter(request.POST))
    enabled = request.POST.get("enabled") == "1"
    try:
        desk_services.item_type_auto_assign_set(
            actor=actor_of(request),
            workspace=request.workspace,
            item_type_id=item_type.pk,
            enabled=enabled,
        )
    except DomainError as error:
        return refused(request, error, lambda: queue(request))
    else:
        messages.success(
            request,
            _("Automatic assignment is on: the least loaded takes each new one.")
            if enabled
            else _("Automatic assignment is off: %(items)s wait in the queue.")
            % {"items": words_for(request.workspace).lower.items},
        )
    return redirect("desk:queue")


@section_required("track")
def track(request: WorkspaceRequest) -> HttpResponse:
    """The requester's open requests with their places in the queue, updated live."""
    context = _track_context(request) | {
        "can_submit": policies.can_submit_item(actor_of(request), request.workspace)
    }
    return render(request, "desk/track.html", context)


@section_required("track")
def track_rows(request: WorkspaceRequest) -> HttpResponse:
    return render(request, "desk/_track_rows.html", _track_context(request))


def queue_place(request: WorkspaceRequest, actor: User, item: Item) -> dict[str, Any]:
    """The item page's place in the queue and expected start (`work.pages` facts)."""
    position = selectors.queue_position(item)
    expected_start = (
        desk_pace(request.workspace, item.item_type_id).expected_start(position)
        if position is not None
        else None
    )
    return {
        "position": position,
        "expected_start": expected_start,
        # The head and the specialists hear early that the queue will miss the start-by.
        "at_risk": expected_start is not None
        and item.start_at is not None
        and expected_start > item.start_at
        and policies.can_see_all_items(actor, request.workspace),
    }
