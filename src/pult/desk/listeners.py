"""What the desk does when the engine records an event (the activity bus, in the
recording transaction): a new item of a type with automatic assignment goes to the
least-loaded specialist; a changed date field schedules its expiry warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.work.models import Item

if TYPE_CHECKING:
    from pult.activity.registry import Recorded


def event_recorded(recorded: Recorded) -> None:
    item = recorded.target
    if not isinstance(item, Item):
        return
    verb = recorded.event.verb
    if verb == "work.item_submitted" and item.item_type.auto_assign:
        from pult.desk.services import work_item_auto_assign

        work_item_auto_assign(workspace=item.workspace, item_id=item.pk)
    elif verb == "work.fields_changed":
        from pult.desk.expiry import schedule_expiry_checks

        schedule_expiry_checks(item, list((recorded.event.payload or {}).get("fields") or []))
