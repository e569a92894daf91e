"""Reading events, always through what the viewer may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from pult.access.policies import has_permission, permission_codes
from pult.activity import registry
from pult.activity.describe import prepare_for_reading
from pult.activity.models import Event
from pult.activity.permissions import VIEW_FEED
from pult.core.pagination import KeysetPage, keyset_page

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def event_visible_to(actor: User, workspace: Workspace) -> QuerySet[Event]:
    """Events of the workspace whose target the actor may see (one SQL query).

    Events about deleted things carry no target; they are shown by their kind alone.
    """
    held = permission_codes(actor, workspace)
    hidden_verbs = [v.key for v in registry.all_verbs() if v.requires and v.requires not in held]
    shown_verbs = [v.key for v in registry.all_verbs() if v.key not in hidden_verbs]
    visible = Q(target_type__isnull=True, verb__in=shown_verbs)
    for model, visible_targets in registry.visibility_rules().items():
        targets = visible_targets(actor, workspace)
        if targets is None:
            continue
        content_type = ContentType.objects.get_for_model(model)
        visible |= Q(target_type=content_type, target_id__in=targets.values("pk"))
    return Event.objects.filter(workspace=workspace).filter(visible).exclude(verb__in=hidden_verbs)


def event_shown_to(actor: User, event: Event) -> bool:
    """Whether `event_visible_to(actor, …)` holds the event, asked of its own kind and
    target only (one small query): the recipients of an event are checked one by one,
    and the whole rule ORs a subquery for every kind of target."""
    verb = registry.verb(event.verb)
    needs = verb.requires if verb is not None else ""
    if needs and needs not in permission_codes(actor, event.workspace):
        return False
    if event.target_type_id is None:
        return verb is not None
    model = ContentType.objects.get_for_id(event.target_type_id).model_class()
    visible_targets = registry.visibility_rules().get(model) if model else None
    targets = visible_targets(actor, event.workspace) if visible_targets else None
    return targets is not None and targets.filter(pk=event.target_id).exists()


def _for_display(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.select_related("actor", "target_type")


def feed_page(
    *, actor: User, workspace: Workspace, cursor: int | None, verb: str = "", page_size: int = 50
) -> KeysetPage[Event] | None:
    """The global feed; None when the actor may not read it."""
    if not has_permission(actor, workspace, VIEW_FEED):
        return None
    events = event_visible_to(actor, workspace)
    if verb:
        events = events.filter(verb=verb)
    page = keyset_page(_for_display(events), cursor=cursor, page_size=page_size)
    prepare_for_reading(page.rows, actor, workspace)  # the page's sentences, read at once
    return page


def timeline_for(*, actor: User, target: Model, limit: int = 100) -> list[Event]:
    """Events of one object; the caller has fetched `target` through its selector."""
    content_type = ContentType.objects.get_for_model(target)
    events = Event.objects.filter(target_type=content_type, target_id=target.pk)
    return list(_for_display(events).order_by("-pk")[:limit])
