"""Calendar reads: the default calendar of a workspace and a calendar's `Schedule` for
the working-time arithmetic. Working hours are no secret inside a workspace, so these
take the workspace rather than an actor."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from pult.calendars.models import Calendar, CalendarException, Reminder, WorkingPeriod
from pult.calendars.worktime import MIDNIGHT, Period, Schedule

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

# Dated exceptions loaded around today unless asked otherwise: wide enough for SLA
# clocks of items open for years and deadlines far ahead, yet a bounded read.
DEFAULT_WINDOW = timedelta(days=5 * 366)


def calendar_list(*, workspace: Workspace) -> QuerySet[Calendar]:
    return Calendar.objects.filter(workspace=workspace).order_by("-is_default", "name", "pk")


def default_calendar(workspace: Workspace) -> Calendar | None:
    """The workspace's default calendar; None until `calendar_create_default` ran."""
    return Calendar.objects.filter(workspace=workspace, is_default=True).first()


def _parse_period(pair: list[str]) -> Period:
    start, end = pair
    return time.fromisoformat(start), MIDNIGHT if end == "24:00" else time.fromisoformat(end)


def schedule_for(
    calendar: Calendar, *, since: date | None = None, until: date | None = None
) -> Schedule:
    """The calendar's hours with its exceptions in `[since, until]` (by default five
    years either side of today): two queries. The `Schedule` refuses dates outside the
    window, so a computation reaching past it fails loudly instead of missing holidays."""
    tz = zoneinfo.ZoneInfo(calendar.time_zone)
    today = timezone.localdate(timezone=tz)
    since = since or today - DEFAULT_WINDOW
    until = until or today + DEFAULT_WINDOW
    weekly: dict[int, list[Period]] = {}
    # Both reads use an index led by (workspace, calendar).
    for weekday, start, end in WorkingPeriod.objects.filter(
        workspace_id=calendar.workspace_id, calendar=calendar
    ).values_list("weekday", "start", "end"):
        weekly.setdefault(weekday, []).append((start, end))
    exceptions: dict[date, list[Period] | None] = {}
    for day, kind, periods in CalendarException.objects.filter(
        workspace_id=calendar.workspace_id, calendar=calendar, date__range=(since, until)
    ).values_list("date", "kind", "periods"):
        if kind == CalendarException.Kind.HOLIDAY or not periods:
            exceptions[day] = None
        else:
            exceptions[day] = [_parse_period(pair) for pair in periods]
    return Schedule(
        tz=tz, weekly=weekly, exceptions=exceptions, known_from=since, known_until=until
    )


def reminder_list(
    *, actor: User, workspace: Workspace, since: datetime, until: datetime, limit: int = 500
) -> list[Reminder]:
    """The actor's own reminders (not cancelled) with `since <= at < until`, earliest
    first; nobody else's ever (index reminder_user_at)."""
    return list(
        Reminder.objects.filter(
            workspace=workspace, user=actor, cancelled_at__isnull=True, at__gte=since, at__lt=until
        )
        .select_related("target_type")
        .order_by("at", "pk")[:limit]
    )
