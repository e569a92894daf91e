"""Calendar reads: a schedule in two queries, bounded by its window."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pult.calendars.selectors import calendar_list, default_calendar, schedule_for
from pult.calendars.services import calendar_create_default, calendar_exception_set
from pult.calendars.worktime import add_working_time
from tests.factories import make_workspace

pytestmark = pytest.mark.django_db


def test_a_schedule_takes_two_queries(django_assert_num_queries: Any) -> None:
    workspace, admin = make_workspace()
    calendar = calendar_create_default(workspace=workspace, years=(2025, 2026, 2027))
    calendar_exception_set(
        actor=admin,
        workspace=workspace,
        calendar_id=calendar.pk,
        day=date(2026, 12, 26),
        kind="short_day",
        periods=[("10:00", "24:00")],
    )
    with django_assert_num_queries(2):
        schedule = schedule_for(calendar, since=date(2026, 1, 1), until=date(2026, 12, 31))
    assert schedule.tz == ZoneInfo("Europe/Moscow")
    assert set(schedule.weekly) == {0, 1, 2, 3, 4}
    assert {day.year for day in schedule.exceptions} == {2026}
    assert schedule.exceptions[date(2026, 1, 1)] is None
    assert schedule.exceptions[date(2026, 12, 26)] == ((time(10), time(0)),)
    # Past the loaded window the schedule refuses to guess.
    moscow = ZoneInfo("Europe/Moscow")
    with pytest.raises(ValueError, match="window"):
        add_working_time(schedule, datetime(2026, 12, 30, 9, tzinfo=moscow), timedelta(hours=40))


def test_default_calendar_and_list() -> None:
    workspace, _admin = make_workspace()
    assert default_calendar(workspace) is None
    calendar = calendar_create_default(workspace=workspace, years=[2026])
    other, _admin = make_workspace()
    calendar_create_default(workspace=other, years=[2026])
    assert default_calendar(workspace) == calendar
    assert list(calendar_list(workspace=workspace)) == [calendar]
