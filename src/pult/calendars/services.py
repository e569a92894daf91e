"""Calendar writes: the default calendar of a workspace, its weekly hours and dated
exceptions. Each edit locks the calendar row, so two people editing the same day
cannot interleave their delete-and-insert."""

from __future__ import annotations

import itertools
import zoneinfo
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from functools import cache

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pult.accounts.models import User, Workspace
from pult.activity.services import event_record
from pult.calendars import policies
from pult.calendars.models import (
    DEFAULT_TIME_ZONE,
    NOTE_MAX_LENGTH,
    Calendar,
    CalendarException,
    WorkingPeriod,
)
from pult.calendars.russia import STANDARD_DAY, russian_days
from pult.calendars.worktime import MIDNIGHT
from pult.core.exceptions import DomainError, NotFound
from pult.core.locking import locked

MAX_PERIODS_A_DAY = 12


# --- Validation ----------------------------------------------------------------------


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _clean_time_zone(name: str) -> str:
    name = name.strip()
    if name not in _time_zones():
        message = _("Choose a time zone from the list.")
        raise DomainError(message, field_errors={"time_zone": [message]})
    return name


def _parse_time(value: time | str, *, is_end: bool) -> time:
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise DomainError(_("Enter times as HH:MM."))
        return value
    text = str(value).strip()
    if is_end and text in {"24:00", "24:00:00"}:
        return MIDNIGHT
    try:
        return time.fromisoformat(text)
    except ValueError:
        message = _("Enter times as HH:MM.")
        raise DomainError(message, field_errors={"periods": [message]}) from None


def _clean_periods(raw: Iterable[Sequence[time | str]]) -> list[tuple[time, time]]:
    """Sorted (start, end) pairs; an end of 00:00 or "24:00" is midnight."""
    periods = []
    for pair in raw:
        if len(pair) != 2:
            message = _("Enter each period as a start and an end.")
            raise DomainError(message, field_errors={"periods": [message]})
        start = _parse_time(pair[0], is_end=False)
        end = _parse_time(pair[1], is_end=True)
        if not (start < end or end == MIDNIGHT):
            message = _("A period must end after it starts.")
            raise DomainError(message, field_errors={"periods": [message]})
        periods.append((start, end))
    if len(periods) > MAX_PERIODS_A_DAY:
        message = _("A day has at most %(count)d periods.") % {"count": MAX_PERIODS_A_DAY}
        raise DomainError(message, field_errors={"periods": [message]})
    periods.sort()
    for (_start, end), (following, _end) in itertools.pairwise(periods):
        if end == MIDNIGHT or end > following:
            message = _("Periods of one day must not overlap.")
            raise DomainError(message, field_errors={"periods": [message]})
    return periods


def periods_to_json(periods: Iterable[tuple[time, time]]) -> list[list[str]]:
    return [
        [f"{start:%H:%M}", "24:00" if end == MIDNIGHT else f"{end:%H:%M}"] for start, end in periods
    ]


def _calendar_to_change(*, actor: User | None, workspace: Workspace, calendar_id: int) -> Calendar:
    """The calendar, locked. NotFound outside the workspace and, as elsewhere, for an
    actor without the permission: what one may not manage one does not find."""
    if actor is not None and not policies.can_manage_calendars(actor, workspace):
        raise NotFound(_("Page not found."))
    calendars = Calendar.objects.filter(workspace=workspace)
    return locked(calendars, calendar_id, not_found=_("Page not found."))


# --- Default calendar ----------------------------------------------------------------


@transaction.atomic
def calendar_create_default(
    *,
    workspace: Workspace,
    time_zone: str = DEFAULT_TIME_ZONE,
    years: Iterable[int] | None = None,
) -> Calendar:
    """Give a workspace its default calendar: Mon-Fri 09:00-13:00 and 14:00-18:00 with
    the Russian holidays of `years` (default: this year and the next) as editable rows.

    Provisioning by the system, so there is no actor and no feed event. A workspace that
    already has a default calendar gets DomainError, not a second one.
    """
    time_zone = _clean_time_zone(time_zone)
    # Serialises concurrent calls for one workspace, so the second one gets the
    # DomainError below rather than the unique constraint's IntegrityError.
    Workspace.objects.select_for_update().only("pk").get(pk=workspace.pk)
    if Calendar.objects.filter(workspace=workspace, is_default=True).exists():
        raise DomainError(_("This workspace already has a default calendar."))
    name = _("Working hours")
    if Calendar.objects.filter(workspace=workspace, name=name).exists():
        message = _("A calendar with this name already exists.")
        raise DomainError(message, field_errors={"name": [message]})
    if years is None:
        this_year = timezone.localdate(timezone=zoneinfo.ZoneInfo(time_zone)).year
        years = (this_year, this_year + 1)
    calendar = Calendar.objects.create(
        workspace=workspace, name=name, time_zone=time_zone, is_default=True
    )
    WorkingPeriod.objects.bulk_create(
        WorkingPeriod(workspace=workspace, calendar=calendar, weekday=weekday, start=s, end=e)
        for weekday in range(5)
        for s, e in STANDARD_DAY
    )
    CalendarException.objects.bulk_create(
        CalendarException(
            workspace=workspace,
            calendar=calendar,
            date=day,
            kind=kind,
            periods=periods_to_json(periods),
            note="",  # shown per kind in the reader's language (shown_note)
        )
        for day, (kind, periods) in russian_days(years).items()
    )
    return calendar


# --- Editing -------------------------------------------------------------------------


@transaction.atomic
def calendar_period_set(
    *,
    actor: User | None,
    workspace: Workspace,
    calendar_id: int,
    weekday: int,
    periods: Iterable[Sequence[time | str]],
) -> list[WorkingPeriod]:
    """Replace the working periods of one weekday (none = a day off)."""
    calendar = _calendar_to_change(actor=actor, workspace=workspace, calendar_id=calendar_id)
    if weekday not in range(7):
        message = _("Choose a day of the week.")
        raise DomainError(message, field_errors={"weekday": [message]})
    cleaned = _clean_periods(periods)
    WorkingPeriod.objects.filter(workspace=workspace, calendar=calendar, weekday=weekday).delete()
    created = WorkingPeriod.objects.bulk_create(
        WorkingPeriod(workspace=workspace, calendar=calendar, weekday=weekday, start=s, end=e)
        for s, e in cleaned
    )
    event_record(
        actor=actor,
        workspace=workspace,
        verb="calendars.hours_changed",
        target=calendar,
        payload={"weekday": weekday, "periods": periods_to_json(cleaned)},
    )
    return created


@transaction.atomic
def calendar_exception_set(
    *,
    actor: User | None,
    workspace: Workspace,
    calendar_id: int,
    day: date,
    kind: str,
    periods: Iterable[Sequence[time | str]] = (),
    note: str = "",
) -> CalendarException:
    """Make one date a day off, a working day or a shortened day, replacing what that
    date had; working and shortened days carry their own hours."""
    calendar = _calendar_to_change(actor=actor, workspace=workspace, calendar_id=calendar_id)
    if isinstance(day, datetime) or not isinstance(day, date):
        message = _("Enter a date.")
        raise DomainError(message, field_errors={"date": [message]})
    if kind not in CalendarException.Kind.values:
        message = _("Choose the kind of day.")
        raise DomainError(message, field_errors={"kind": [message]})
    cleaned = _clean_periods(periods)
    if kind == CalendarException.Kind.HOLIDAY and cleaned:
        message = _("A day off has no working hours.")
        raise DomainError(message, field_errors={"periods": [message]})
    if kind != CalendarException.Kind.HOLIDAY and not cleaned:
        message = _("Enter the working hours of this day.")
        raise DomainError(message, field_errors={"periods": [message]})
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        message = _("Keep the note to %(count)d characters or fewer.") % {"count": NOTE_MAX_LENGTH}
        raise DomainError(message, field_errors={"note": [message]})
    exception, _created = CalendarException.objects.update_or_create(
        workspace=workspace,
        calendar=calendar,
        date=day,
        defaults={"kind": kind, "periods": periods_to_json(cleaned), "note": note},
    )
    event_record(
        actor=actor,
        workspace=workspace,
        verb="calendars.exception_set",
        target=calendar,
        payload={"date": day.isoformat(), "kind": kind, "periods": periods_to_json(cleaned)},
    )
    return exception


@transaction.atomic
def calendar_exception_clear(
    *, actor: User | None, workspace: Workspace, calendar_id: int, day: date
) -> None:
    """Return a date to the weekly hours; clearing a date without an exception is a no-op."""
    calendar = _calendar_to_change(actor=actor, workspace=workspace, calendar_id=calendar_id)
    deleted, _rows = CalendarException.objects.filter(
        workspace=workspace, calendar=calendar, date=day
    ).delete()
    if deleted:
        event_record(
            actor=actor,
            workspace=workspace,
            verb="calendars.exception_cleared",
            target=calendar,
            payload={"date": day.isoformat()},
        )


@transaction.atomic
def calendar_holidays_load(
    *, actor: User | None, workspace: Workspace, calendar_id: int, year: int
) -> int:
    """Add a year's Russian public holidays, shortened days and transfers; dates the
    calendar already has (edited by hand) are kept. Returns how many were added."""
    calendar = _calendar_to_change(actor=actor, workspace=workspace, calendar_id=calendar_id)
    if not 2000 <= year <= 2100:
        message = _("Choose a year between 2000 and 2100.")
        raise DomainError(message, field_errors={"year": [message]})
    known = set(
        CalendarException.objects.filter(
            workspace=workspace, calendar=calendar, date__year=year
        ).values_list("date", flat=True)
    )
    added = CalendarException.objects.bulk_create(
        CalendarException(
            workspace=workspace,
            calendar=calendar,
            date=day,
            kind=kind,
            periods=periods_to_json(periods),
            note="",  # shown per kind in the reader's language (shown_note)
        )
        for day, (kind, periods) in russian_days([year]).items()
        if day not in known
    )
    if added:
        event_record(
            actor=actor,
            workspace=workspace,
            verb="calendars.exception_set",
            target=calendar,
            payload={"date": str(year), "kind": "holidays", "periods": []},
        )
    return len(added)
