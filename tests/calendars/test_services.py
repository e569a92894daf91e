"""Calendar writes on the real database: the default Russian calendar, editing hours and
dates, validation, permissions and workspace isolation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from freezegun import freeze_time

from pult.activity.models import Event
from pult.calendars.models import Calendar, CalendarException, WorkingPeriod
from pult.calendars.permissions import MANAGE_CALENDARS
from pult.calendars.selectors import default_calendar, schedule_for
from pult.calendars.services import (
    calendar_create_default,
    calendar_exception_clear,
    calendar_exception_set,
    calendar_period_set,
)
from pult.calendars.worktime import add_working_days, add_working_time
from pult.core.exceptions import DomainError, NotFound
from tests.factories import make_member, make_workspace

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")


def exceptions_of(calendar: Calendar) -> dict[date, CalendarException]:
    return {e.date: e for e in CalendarException.objects.filter(calendar=calendar)}


def test_the_default_calendar_is_a_russian_office_week() -> None:
    workspace, _admin = make_workspace()
    calendar = calendar_create_default(workspace=workspace, years=(2025, 2026))

    assert calendar.is_default and calendar.time_zone == "Europe/Moscow"
    assert default_calendar(workspace) == calendar
    week = {
        (p.weekday, p.start, p.end)
        for p in WorkingPeriod.objects.filter(workspace=workspace, calendar=calendar)
    }
    assert week == {
        (weekday, start, end)
        for weekday in range(5)
        for start, end in [(time(9), time(13)), (time(14), time(18))]
    }

    days = exceptions_of(calendar)
    assert {d.year for d in days} == {2025, 2026}
    # The transferred working Saturday (decree No. 1335), one hour short.
    assert days[date(2025, 11, 1)].kind == CalendarException.Kind.WORKING_DAY
    assert days[date(2025, 11, 1)].periods == [["09:00", "13:00"], ["14:00", "17:00"]]
    assert days[date(2025, 11, 3)].kind == CalendarException.Kind.HOLIDAY
    assert days[date(2025, 11, 4)].kind == CalendarException.Kind.HOLIDAY
    for day in [date(2025, 12, 31), *(date(2026, 1, d) for d in range(1, 10))]:
        assert days[day].kind == CalendarException.Kind.HOLIDAY, day
        assert days[day].periods == []
    assert days[date(2026, 5, 8)].kind == CalendarException.Kind.SHORT_DAY
    assert days[date(2026, 5, 11)].kind == CalendarException.Kind.HOLIDAY

    schedule = schedule_for(calendar, since=date(2025, 1, 1), until=date(2026, 12, 31))
    friday = datetime(2025, 10, 31, 17, tzinfo=MSK)
    assert add_working_time(schedule, friday, timedelta(hours=3)) == datetime(
        2025, 11, 1, 11, tzinfo=MSK
    )
    assert add_working_days(schedule, datetime(2025, 12, 30, 12, tzinfo=MSK), 1) == datetime(
        2026, 1, 12, 18, tzinfo=MSK
    )


@freeze_time("2026-11-23 10:00:00")
def test_by_default_this_year_and_the_next_are_imported() -> None:
    workspace, _admin = make_workspace()
    calendar = calendar_create_default(workspace=workspace, time_zone="Asia/Yekaterinburg")
    assert calendar.time_zone == "Asia/Yekaterinburg"
    assert {d.year for d in exceptions_of(calendar)} == {2026, 2027}


def test_a_workspace_has_one_default_calendar() -> None:
    workspace, _admin = make_workspace()
    calendar_create_default(workspace=workspace, years=[2026])
    with pytest.raises(DomainError):
        calendar_create_default(workspace=workspace, years=[2026])
    # The database holds the line too, should two requests race past the check.
    with pytest.raises(IntegrityError), transaction.atomic():
        Calendar.objects.create(workspace=workspace, name="Second", is_default=True)
    other, _admin = make_workspace()
    assert calendar_create_default(workspace=other, years=[2026]).workspace == other


def test_an_unknown_time_zone_is_refused() -> None:
    workspace, _admin = make_workspace()
    with pytest.raises(DomainError) as raised:
        calendar_create_default(workspace=workspace, time_zone="Mars/Olympus", years=[2026])
    assert "time_zone" in raised.value.field_errors
    assert not Calendar.objects.filter(workspace=workspace).exists()


def test_the_database_refuses_an_empty_period() -> None:
    workspace, _admin = make_workspace()
    calendar = calendar_create_default(workspace=workspace, years=[2026])
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingPeriod.objects.create(
            workspace=workspace, calendar=calendar, weekday=5, start=time(18), end=time(9)
        )
    # Midnight as the end means the end of the day.
    WorkingPeriod.objects.create(
        workspace=workspace, calendar=calendar, weekday=6, start=time(20), end=time(0)
    )


def test_setting_a_weekday_replaces_its_periods() -> None:
    workspace, admin = make_workspace()
    calendar = calendar_create_default(workspace=workspace, years=[2026])
    calendar_period_set(
        actor=admin,
        workspace=workspace,
        calendar_id=calendar.pk,
        weekday=0,
        periods=[("14:00", "20:00"), (time(8), time(12))],
    )
    calendar_period_set(
        actor=admin, workspace=workspace, calendar_id=calendar.pk, weekday=5, periods=[]
    )
    calendar_period_set(
        actor=admin,
        workspace=workspace,
        calendar_id=calendar.pk,
        weekday=6,
        periods=[("00:00", "24:00")],
    )
    schedule = schedule_for(calendar)
    assert schedule.weekly[0] == ((time(8), time(12)), (time(14), time(20)))
    assert schedule.weekly[1] == ((time(9), time(13)), (time(14), time(18)))
    assert 5 not in schedule.weekly
    assert schedule.weekly[6] == ((time(0), time(0)),)
    event = Event.objects.filter(workspace=workspace, verb="calendars.hours_changed").latest("pk")
    assert event.actor == admin
    assert event.payload == {"weekday": 6, "periods": [["00:00", "24:00"]]}


@pytest.mark.parametrize(
    ("weekday", "periods", "field"),
    [
        (7, [("09:00", "18:00")], "weekday"),
        (0, [("18:00", "09:00")], "periods"),
        (0, [("09:00", "13:00"), ("12:00", "18:00")], "periods"),
        (0, [("09:00", "24:00"), ("20:00", "21:00")], "periods"),
        (0, [("nine", "18:00")], "periods"),
        (0, [("09:00",)], "periods"),
        (0, [("09:00", "09:30")] * 2, "periods"),
    ],
)
def test_invalid_hours_are_refused(
    weekday: int, periods: list[tuple[str, ...]], field: str
) -> None:
    workspace, admin = make_workspace()
    calendar = calendar_create_default(workspace=workspace, years=[2026])
    with pytest.raises(DomainError) as raised:
        calendar_period_set(
            actor=admin,
            workspace=workspace,
            calendar_id=calendar.pk,
            weekday=weekday,
            periods=periods,
        )
    assert field in raised.value.field_errors
    assert WorkingPeriod.objects.filter(calendar=calendar, weekday=0).count() == 2


def test_a_date_is_set_replaced_and_cleared() -> None:
    workspace, admin = make_workspace()
    calendar = calendar_create_default(workspace=workspace, years=[2026])
    common = {"actor": admin, "workspace": workspace, "calendar_id": calendar.pk}
    day = date(2026, 12, 5)  # a Saturday

    calendar_exception_set(**common, day=day, kind="holiday", note="Inventory")
    calendar_exception_set(
        **common, day=day, kind="working_day", periods=[("10:00", "15:00")], note=" Sale "
    )
    row = CalendarException.objects.get(calendar=calendar, date=day)
    assert (row.kind, row.periods, row.note) == ("working_day", [["10:00", "15:00"]], "Sale")
    schedule = schedule_for(calendar)
    assert schedule.periods_on(day) == ((time(10), time(15)),)

    calendar_exception_clear(**common, day=day)
    calendar_exception_clear(**common, day=day)
    assert not CalendarException.objects.filter(calendar=calendar, date=day).exists()
    verbs = list(
        Event.objects.filter(workspace=workspace, verb__startswith="calendars.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "calendars.exception_set",
        "calendars.exception_set",
        "calendars.exception_cleared",
    ]


@pytest.mark.parametrize(
    ("kind", "periods", "field"),
    [
        ("holiday", [("09:00", "12:00")], "periods"),
        ("working_day", [], "periods"),
        ("short_day", [], "periods"),
        ("vacation", [], "kind"),
    ],
)
def test_invalid_dates_are_refused(kind: str, periods: list[tuple[str, str]], field: str) -> None:
    workspace, admin = make_workspace()
    calendar = calendar_create_default(workspace=workspace, years=[2026])
    with pytest.raises(DomainError) as raised:
        calendar_exception_set(
            actor=admin,
            workspace=workspace,
            calendar_id=calendar.pk,
            day=date(2026, 12, 5),
            kind=kind,
            periods=periods,
        )
    assert field in raised.value.field_errors


def test_editing_needs_the_permission_and_the_workspace() -> None:
    workspace, _admin = make_workspace()
    calendar = calendar_create_default(workspace=workspace, years=[2026])
    bystander = make_member(workspace, [])
    manager = make_member(workspace, [MANAGE_CALENDARS])
    other_workspace, stranger = make_workspace()
    args = {"calendar_id": calendar.pk, "weekday": 5, "periods": [("10:00", "14:00")]}

    with pytest.raises(NotFound):
        calendar_period_set(actor=bystander, workspace=workspace, **args)
    with pytest.raises(NotFound):
        calendar_period_set(actor=stranger, workspace=other_workspace, **args)
    with pytest.raises(NotFound):
        calendar_exception_clear(
            actor=stranger, workspace=other_workspace, calendar_id=calendar.pk, day=date.today()
        )
    assert not WorkingPeriod.objects.filter(calendar=calendar, weekday=5).exists()

    calendar_period_set(actor=manager, workspace=workspace, **args)
    assert WorkingPeriod.objects.filter(calendar=calendar, weekday=5).count() == 1


def test_a_note_has_a_limit_and_a_name_is_unique() -> None:
    workspace, admin = make_workspace()
    calendar = calendar_create_default(workspace=workspace, years=[2026])
    with pytest.raises(DomainError) as raised:
        calendar_exception_set(
            actor=admin,
            workspace=workspace,
            calendar_id=calendar.pk,
            day=date(2026, 12, 7),
            kind="holiday",
            note="x" * 301,
        )
    assert "note" in raised.value.field_errors

    other, _admin = make_workspace()
    Calendar.objects.create(workspace=other, name=calendar.name)
    with pytest.raises(DomainError) as raised:
        calendar_create_default(workspace=other, years=[2026])
    assert "name" in raised.value.field_errors
