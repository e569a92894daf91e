"""Regulations: start and due dates from SlaRule rows on the workspace's business
calendar. Dates are recomputed from the rules and the paused intervals, never guessed."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from pult.work.models import Item, SlaRule, StatusCategory

logger = logging.getLogger(__name__)

# How long before the due date the participants hear that it is near.
DUE_SOON = timedelta(hours=2)


def rule_for(item: Item) -> SlaRule | None:
    """The first rule of the type whose condition the item meets (or that has none)."""
    from pult.work.pipeline_cache import pipeline_of

    for rule in pipeline_of(item.item_type).sla_rules:
        if not rule.condition_field or str(item.values.get(rule.condition_field, "")) == (
            rule.condition_value
        ):
            return rule
    return None


def apply_dates(item: Item, *, save: bool = True) -> None:
    """Set start_at/due_at from the regulations. Working time spent paused (waiting on
    the requester) moves both dates by the same working time. With `save=False` the
    caller saves them (with the rest of its change) and schedules the checks."""
    if item.dates_fixed:
        return
    rule = rule_for(item)
    if rule is None:
        return
    from pult.calendars.selectors import default_calendar, schedule_for
    from pult.calendars.worktime import add_working_time, working_time_between

    calendar = default_calendar(item.workspace)
    if calendar is None:
        return
    schedule = schedule_for(calendar)
    now = timezone.now()
    paused = sum(
        (
            working_time_between(schedule, p.started_at, p.ended_at or now)
            for p in item.pauses.all()
        ),
        timedelta(),
    )
    start_in = timedelta(hours=float(rule.start_within_hours)) + paused
    finish_in = timedelta(hours=float(rule.finish_within_hours)) + paused
    item.start_at = add_working_time(schedule, item.submitted_at, start_in)
    due_at = add_working_time(schedule, item.submitted_at, finish_in)
    changed = due_at != item.due_at
    item.due_at = due_at
    if not save:
        return
    Item.objects.filter(pk=item.pk).update(start_at=item.start_at, due_at=item.due_at)
    if changed:
        schedule_deadline_checks(item)


def schedule_deadline_checks(item: Item) -> None:
    """After commit, enqueue the "due soon" and "overdue" checks of the item's due date.

    Each task carries the due date it was made for and re-reads the item when it runs:
    a changed date (a pause, a head's override) or a finished item makes it do nothing,
    and the newer date has its own tasks.
    """
    if item.due_at is None or item.category == StatusCategory.CLOSED:
        return
    from pult.desk.tasks import work_item_deadline_task

    due_at, item_id = item.due_at, item.pk
    soon = due_at - DUE_SOON

    def enqueue() -> None:
        try:
            if soon > timezone.now():
                work_item_deadline_task.using(run_after=soon).enqueue(
                    item_id, due_at.isoformat(), "due_soon"
                )
            work_item_deadline_task.using(run_after=due_at).enqueue(
                item_id, due_at.isoformat(), "overdue"
            )
        except Exception:  # the deadline still shows on the item and in "overdue" filters
            logger.warning("could not schedule deadline checks of item %s", item_id, exc_info=True)

    transaction.on_commit(enqueue)


@transaction.atomic
def deadline_check(*, item_id: int, due_at: str, kind: str) -> None:
    """Record "due soon" or "overdue" once, if the item is still open on that date."""
    from pult.activity.models import Event
    from pult.activity.services import event_record

    item = Item.objects.select_for_update().filter(pk=item_id).select_related("workspace").first()
    if item is None or item.category == StatusCategory.CLOSED or item.due_at is None:
        return
    if item.due_at.isoformat() != due_at:
        return  # the date moved; the task made for the new date decides
    if kind == "overdue" and timezone.now() < item.due_at:
        return
    verb = "work.overdue" if kind == "overdue" else "work.due_soon"
    already = Event.objects.filter(
        workspace=item.workspace, verb=verb, target_id=item.pk, payload__due_at=due_at
    )
    if already.exists():
        return
    event_record(
        actor=None,
        workspace=item.workspace,
        verb=verb,
        target=item,
        payload={"due_at": due_at, "due": timezone.localtime(item.due_at).strftime("%d.%m %H:%M")},
    )


def dates_before(item: Item) -> tuple[int, object]:
    """What the dates follow, read before a change (an engine item watcher)."""
    return item.status_id, item.due_at


def dates_settle(before: tuple[int, object], item: Item) -> None:
    """A new status: the dates from the regulations, saved with the step."""
    if before[0] != item.status_id:
        apply_dates(item, save=False)


def dates_after(before: tuple[int, object] | None, item: Item) -> None:
    """A new item: the dates from the regulations (which schedule the deadline checks of
    its due date); a new status or a due date moved by hand: the checks of the new date."""
    if before is None:
        apply_dates(item)
    elif item.due_at != before[1]:
        schedule_deadline_checks(item)
