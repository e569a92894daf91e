"""Event kinds of the work engine and who sees them in the feed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pult.activity.registry import Verb, register_verbs, register_visibility
from pult.core.params import id_or_none
from pult.notifications.registry import register_participants
from pult.work.models import FieldDef, FieldKind, FieldMode, Item, ItemType
from pult.work.permissions import CONFIGURE
from pult.work.pipeline_cache import pipeline_of
from pult.work.policies import can_configure_pipeline, field_modes, field_modes_many
from pult.work.selectors import item_visible_to
from pult.work.values import display_value

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.activity.models import Event

register_verbs(
    Verb("work.item_submitted", _("%(actor)s filed %(target)s"), _("Request filed")),
    Verb("work.status_changed", _("%(actor)s: %(step)s — %(target)s"), _("Status changed")),
    Verb("work.taken", _("%(actor)s took %(target)s"), _("Request taken")),
    Verb(
        "work.assigned", _("%(actor)s assigned %(target)s to %(assignee)s"), _("Request assigned")
    ),
    Verb("work.marked_urgent", _("%(actor)s marked %(target)s urgent"), _("Marked urgent")),
    Verb(
        "work.unmarked_urgent",
        _("%(actor)s removed the urgent mark of %(target)s"),
        _("Urgent mark removed"),
    ),
    Verb(
        "work.dates_changed",
        _("%(actor)s changed the dates of %(target)s: %(reason)s"),
        _("Dates changed"),
    ),
    Verb("work.due_soon", _("%(target)s is due at %(due)s"), _("Due soon")),
    Verb("work.overdue", _("%(target)s is overdue (was due at %(due)s)"), _("Overdue")),
    Verb(
        "work.validity_expiring",
        _("%(target)s: “%(field)s” runs out on %(date)s"),
        _("Validity expiring"),
    ),
    Verb("work.joined", _("%(actor)s joined %(target)s"), _("Joined a request")),
    Verb(
        "work.fields_changed",
        # %(changes)s: "" or ": Payment amount: 645 000,00 ₽; Payment date: 07.12.2026"
        _("%(actor)s changed %(target)s%(changes)s"),
        _("Fields changed"),
        values=lambda event, viewer: field_changes(event, viewer),
        prepare=lambda events, viewer, workspace: _items_as_seen(events, viewer, workspace),
    ),
    Verb(
        "work.stage_signed", _("%(actor)s signed off “%(stage)s” of %(target)s"), _("Stage signed")
    ),
    Verb(
        "work.stage_unsigned",
        _("%(actor)s withdrew the sign-off of “%(stage)s” of %(target)s"),
        _("Sign-off withdrawn"),
    ),
    Verb(
        "work.order_parties_changed",
        _("%(actor)s set %(target)s for %(client)s, contract %(contract)s, manager %(manager)s"),
        _("Client of an order changed"),
    ),
    Verb(
        "work.pipeline_changed",
        _("%(actor)s changed the pipeline “%(target)s”"),
        _("Pipeline changed"),
        requires=CONFIGURE,
    ),
)
register_visibility(Item, item_visible_to)


def field_changes(event: Event, viewer: User | None) -> dict[str, str]:
    """The changed fields of a `work.fields_changed` event as the viewer may read them:
    each field's name in the reader's language and its new value, leaving out the
    fields the item's field policy hides from the viewer; names only where nobody in
    particular reads. Also each shown value under its field key, for a notification
    rule's own message ("Payment received: {payment_amount}")."""
    payload = event.payload or {}
    keys, stored = payload.get("fields") or [], payload.get("values")
    seen = _item_as_seen(event, viewer) if keys else None
    if seen is None:
        return {"changes": ""}
    fields, modes = seen
    shown: dict[str, str] = {}
    parts = []
    for key in keys:
        field = fields.get(key)
        if field is None or (modes is not None and modes.get(key) == FieldMode.HIDDEN):
            continue
        if modes is None or not isinstance(stored, dict):
            parts.append(field.name)
            continue
        shown[key] = (
            _person(stored.get(key))
            if field.kind == FieldKind.USER
            else display_value(field, stored.get(key))
        )
        parts.append(f"{field.name}: {shown[key]}")
    return {**shown, "changes": ": " + "; ".join(parts) if parts else ""}


def remember_item_as_seen(
    viewer: User, item: Item, fields: list[FieldDef], modes: dict[str, str]
) -> None:
    """The item page has the viewer's field modes already; its timeline reuses them."""
    cache: dict[int, Any] = viewer.__dict__.setdefault("_pult_item_fields", {})
    cache[item.pk] = ({f.key: f for f in fields}, modes)


def _items_as_seen(events: list[Event], viewer: User | None, workspace: Workspace) -> None:
    """`_item_as_seen` for a page of events at once: their items in one query, the
    viewer's field modes for all of them in one more (policies.field_modes_many)."""
    if viewer is None:
        return
    cache: dict[int, Any] = viewer.__dict__.setdefault("_pult_item_fields", {})
    wanted = {e.target_id for e in events if e.target_id is not None} - set(cache)
    if not wanted:
        return
    items = list(
        Item.objects.filter(pk__in=wanted, workspace=workspace)
        .select_related("item_type", "status")
        .prefetch_related("assignees")
    )
    modes = field_modes_many(actor=viewer, workspace=workspace, items=items)
    for item in items:
        fields = pipeline_of(item.item_type).fields
        cache[item.pk] = ({f.key: f for f in fields}, modes.get(item.pk, {}))


def _person(user_id: object) -> str:
    """A person field's value as a name (the field stores the user's id)."""
    from pult.accounts.models import User

    name = User.objects.filter(pk=id_or_none(user_id) or 0).values_list("full_name", flat=True)
    return name.first() or "—"


def _item_as_seen(
    event: Event, viewer: User | None
) -> tuple[dict[str, FieldDef], dict[str, str] | None] | None:
    """The item's fields by key and the viewer's field modes (None without a viewer),
    remembered on the viewer for the rest of the request: a timeline asks for the same
    item again and again."""
    cache: dict[int, Any] = viewer.__dict__.setdefault("_pult_item_fields", {}) if viewer else {}
    if event.target_id is None:
        return None
    if event.target_id in cache:
        return cache[event.target_id]
    item = (
        Item.objects.select_related("item_type", "status")
        .filter(pk=event.target_id, workspace_id=event.workspace_id)
        .first()
    )
    if item is None:
        return None
    fields = list(pipeline_of(item.item_type).fields)
    modes = (
        field_modes(
            actor=viewer, item_type=item.item_type, status=item.status, item=item, fields=fields
        )
        if viewer is not None
        else None
    )
    cache[item.pk] = ({f.key: f for f in fields}, modes)
    return cache[item.pk]


def _item_types_visible_to(actor: User, workspace: Workspace) -> QuerySet[ItemType] | None:
    # Pipeline changes are seen by those who may configure pipelines.
    if not can_configure_pipeline(actor, workspace):
        return None
    return ItemType.objects.filter(workspace=workspace)


register_visibility(ItemType, _item_types_visible_to)


def _participants(item: Item) -> list[int]:
    ids = {item.requester_id}
    if item.manager_id:
        ids.add(item.manager_id)  # the responsible manager of an order hears about it
    ids.update(item.assignees.values_list("pk", flat=True))
    ids.update(item.watchers.values_list("pk", flat=True))
    return sorted(ids)


register_participants(Item, _participants)  # type: ignore[arg-type]
