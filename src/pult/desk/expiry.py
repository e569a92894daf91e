"""Validity expiring: a timed check before a date field of an item runs out (P2: the
manager hears that an order's validity period ends). The date is the archive stage's
"valid_until" field; the rules for `work.validity_expiring` say how many days ahead
(condition `days_before`, 30 by default)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from pult.work.models import FieldKind, Item

logger = logging.getLogger(__name__)

VERB = "work.validity_expiring"
DATE_FIELD = "valid_until"
# The hour of the day the warning goes out (the workspace's local time).
WARN_AT = dt.time(9, 0)


def _days_ahead(item: Item) -> set[int]:
    """The distinct "days before" of the workspace's active expiry rules."""
    from pult.notifications.models import NotificationRule
    from pult.work.notifying import DEFAULT_DAYS_BEFORE

    rules = NotificationRule.objects.filter(
        workspace_id=item.workspace_id, verb=VERB, is_active=True
    )
    return {int(r.condition.get("days_before", DEFAULT_DAYS_BEFORE)) for r in rules}


def warn_at(date: dt.date, days_before: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date - dt.timedelta(days=days_before), WARN_AT))


def schedule_expiry_checks(item: Item, changed: list[str]) -> None:
    """After commit, enqueue a check per rule's "days before" when the date was set.
    Each task carries the date it was made for; a changed date makes it do nothing."""
    if DATE_FIELD not in changed:
        return
    value = item.values.get(DATE_FIELD)
    field = item.item_type.fields.filter(key=DATE_FIELD, kind=FieldKind.DATE).first()
    if not value or field is None:
        return
    date = dt.date.fromisoformat(value)
    from pult.desk.tasks import work_item_expiry_task

    item_id = item.pk
    for days_before in sorted(_days_ahead(item)):
        run_after = warn_at(date, days_before)

        def enqueue(days_before: int = days_before, run_after: dt.datetime = run_after) -> None:
            try:
                work_item_expiry_task.using(run_after=run_after).enqueue(
                    item_id, DATE_FIELD, value, days_before
                )
            except Exception:  # the date still shows on the item and in the calendar
                logger.warning("could not schedule expiry check of item %s", item_id, exc_info=True)

        transaction.on_commit(enqueue)


@transaction.atomic
def expiry_check(*, item_id: int, field_key: str, value: str, days_before: int) -> bool:
    """Record `work.validity_expiring` once, if the field still holds `value` and its
    warning time has come; the notification rules then tell the manager."""
    from pult.activity.models import Event
    from pult.activity.services import event_record

    item = Item.objects.select_for_update().filter(pk=item_id).select_related("workspace").first()
    if item is None or item.values.get(field_key) != value:
        return False  # gone, or the date changed: the task made for the new date decides
    date = dt.date.fromisoformat(value)
    if timezone.now() < warn_at(date, days_before):
        return False
    already = Event.objects.filter(
        workspace=item.workspace,
        verb=VERB,
        target_id=item.pk,
        payload__field_key=field_key,
        payload__value=value,
        payload__days_before=days_before,
    )
    if already.exists():
        return False
    field = item.item_type.fields.filter(key=field_key).first()
    event_record(
        actor=None,
        workspace=item.workspace,
        verb=VERB,
        target=item,
        payload={
            "field_key": field_key,
            "field": str(field.name) if field else field_key,
            "value": value,
            "days_before": days_before,
            "date": date.strftime("%d.%m.%Y"),
        },
    )
    return True
