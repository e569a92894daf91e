"""Working-time arithmetic: breaks, shifts, weekends, Russian holidays and transfers,
DST, pauses, and the round trip between adding and measuring working time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pult.calendars import worktime
from pult.calendars.russia import STANDARD_DAY, russian_days
from pult.calendars.worktime import (
    MAX_SCAN_DAYS,
    Schedule,
    add_working_days,
    add_working_time,
    next_working_moment,
    working_time_between,
)

MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
MIN = timedelta(minutes=1)
OFFICE = {weekday: list(STANDARD_DAY) for weekday in range(5)}
ROUND_THE_CLOCK = {weekday: [(time(0), time(0))] for weekday in range(7)}


def russian_exceptions(*years: int) -> dict[date, list[tuple[time, time]] | None]:
    return {day: list(periods) or None for day, (_kind, periods) in russian_days(years).items()}


# Moscow office hours with the Russian production calendar of 2025-2027.
RU = Schedule(tz=MSK, weekly=OFFICE, exceptions=russian_exceptions(2025, 2026, 2027))
PLAIN = Schedule(tz=MSK, weekly=OFFICE)


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


def ber(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


# 2026-11-23 is a Monday; 2026-11-27 a Friday.
MON = (2026, 11, 23)
FRI = (2026, 11, 27)


# --- add_working_time ----------------------------------------------------------------


def test_the_lunch_break_is_not_counted() -> None:
    assert add_working_time(PLAIN, msk(*MON, 12), 2 * H) == msk(*MON, 15)
    assert add_working_time(PLAIN, msk(*MON, 9), 8 * H) == msk(*MON, 18)


def test_starting_during_the_break_counts_from_its_end() -> None:
    assert add_working_time(PLAIN, msk(*MON, 13, 30), 1 * H) == msk(*MON, 15)


def test_a_split_shift() -> None:
    shifts = Schedule(tz=MSK, weekly={0: [(time(16), time(20)), (time(8), time(12))]})
    assert add_working_time(shifts, msk(*MON, 11), 3 * H) == msk(*MON, 18)
    # The next Monday, once this one's eight hours are used up.
    assert add_working_time(shifts, msk(*MON, 8), 9 * H) == msk(2026, 11, 30, 9)


def test_starting_at_night_counts_from_the_next_opening() -> None:
    assert add_working_time(PLAIN, msk(2026, 11, 24, 2), 1 * H) == msk(2026, 11, 24, 10)
    assert add_working_time(PLAIN, msk(*MON, 22), 30 * MIN) == msk(2026, 11, 24, 9, 30)


def test_friday_evening_runs_on_into_monday() -> None:
    assert add_working_time(PLAIN, msk(*FRI, 17), 2 * H) == msk(2026, 11, 30, 10)
    assert add_working_time(PLAIN, msk(*FRI, 19), 1 * H) == msk(2026, 11, 30, 10)


def test_time_running_out_at_closing_ends_at_closing() -> None:
    assert add_working_time(PLAIN, msk(*FRI, 17), 1 * H) == msk(*FRI, 18)
    assert add_working_time(PLAIN, msk(*MON, 12), 1 * H) == msk(*MON, 13)


def test_zero_duration_is_the_next_working_moment() -> None:
    assert add_working_time(PLAIN, msk(*MON, 10, 15), timedelta(0)) == msk(*MON, 10, 15)
    assert add_working_time(PLAIN, msk(*FRI, 18), timedelta(0)) == msk(2026, 11, 30, 9)


def test_the_new_year_holidays_are_skipped() -> None:
    # 2025-12-31 is a day off (moved from 5 January), 1-8 January are holidays, Friday
    # 9 January is a day off (moved from 3 January): work resumes on Monday 12 January.
    assert add_working_time(RU, msk(2025, 12, 30, 17), 2 * H) == msk(2026, 1, 12, 10)
    for day in range(1, 12):
        assert not RU.is_working_day(date(2026, 1, day))
    assert RU.is_working_day(date(2026, 1, 12))


def test_a_working_saturday_of_a_transfer_is_worked() -> None:
    # Saturday 2025-11-01 is worked instead of Monday 2025-11-03, one hour short
    # (9-13, 14-17); Tuesday 4 November is Unity Day.
    assert add_working_time(RU, msk(2025, 10, 31, 17), 3 * H) == msk(2025, 11, 1, 11)
    assert add_working_time(RU, msk(2025, 11, 1, 16), 2 * H) == msk(2025, 11, 5, 10)
    assert working_time_between(RU, msk(2025, 11, 1), msk(2025, 11, 2)) == 7 * H
    assert working_time_between(RU, msk(2025, 10, 27), msk(2025, 11, 10)) == (5 * 8 + 7 + 3 * 8) * H


def test_a_pre_holiday_day_is_one_hour_short() -> None:
    assert working_time_between(RU, msk(2026, 4, 30), msk(2026, 5, 1)) == 7 * H
    assert add_working_time(RU, msk(2026, 4, 30, 16), 2 * H) == msk(2026, 5, 4, 10)


def test_results_keep_the_time_zone_of_the_argument() -> None:
    start = msk(*MON, 17).astimezone(UTC)
    result = add_working_time(PLAIN, start, 2 * H)
    assert result.tzinfo is UTC
    assert result == msk(2026, 11, 24, 10)


def test_naive_datetimes_and_negative_durations_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_working_time(PLAIN, datetime(2026, 11, 23, 10), H)
    with pytest.raises(ValueError, match="negative"):
        add_working_time(PLAIN, msk(*MON, 10), -H)
    with pytest.raises(ValueError, match="aware"):
        working_time_between(PLAIN, msk(*MON), msk(*FRI), [(datetime(2026, 11, 24), msk(*FRI))])


def test_a_calendar_without_hours_fails_instead_of_hanging() -> None:
    never = Schedule(tz=MSK, weekly={})
    with pytest.raises(ValueError, match=str(MAX_SCAN_DAYS)):
        add_working_time(never, msk(*MON), H)
    with pytest.raises(ValueError, match=str(MAX_SCAN_DAYS)):
        next_working_moment(never, msk(*MON))
    with pytest.raises(ValueError, match=str(MAX_SCAN_DAYS)):
        add_working_days(never, msk(*MON), 1)
    with pytest.raises(ValueError, match=str(MAX_SCAN_DAYS)):
        working_time_between(PLAIN, msk(2000, 1, 1), msk(2030, 1, 1))


def test_long_spans_go_day_by_day(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[date] = []
    original = Schedule.day_intervals

    def counting(self: Schedule, day: date) -> list[worktime.Interval]:
        calls.append(day)
        return original(self, day)

    monkeypatch.setattr(Schedule, "day_intervals", counting)
    # 60 working days of 8 hours from Monday 12 January 2026, with 23 February and
    # 9 March off: the sixtieth is Tuesday 7 April.
    result = add_working_time(RU, msk(2026, 1, 12, 9), 60 * 8 * H)
    assert result == msk(2026, 4, 7, 18)
    # One look at each calendar day of the span (86 of them), and at most one more.
    assert len(calls) == 86
    calls.clear()
    assert add_working_days(RU, msk(2026, 1, 9, 12), 60) == result
    assert len(calls) <= 89


# --- add_working_days ----------------------------------------------------------------


def test_working_days_are_counted_from_the_next_day() -> None:
    assert add_working_days(PLAIN, msk(*FRI, 15), 3) == msk(2026, 12, 2, 18)
    assert add_working_days(PLAIN, msk(*FRI, 8), 3) == msk(2026, 12, 2, 18)
    assert add_working_days(PLAIN, msk(*MON, 23), 1) == msk(2026, 11, 24, 18)


def test_zero_working_days_is_the_end_of_the_day_work_can_start() -> None:
    assert add_working_days(PLAIN, msk(*MON, 10), 0) == msk(*MON, 18)
    assert add_working_days(PLAIN, msk(*FRI, 19), 0) == msk(2026, 11, 30, 18)
    with pytest.raises(ValueError):
        add_working_days(PLAIN, msk(*MON, 10), -1)


def test_working_days_skip_holidays_and_count_transferred_saturdays() -> None:
    assert add_working_days(RU, msk(2025, 12, 30, 10), 1) == msk(2026, 1, 12, 18)
    assert add_working_days(RU, msk(2025, 10, 31, 10), 1) == msk(2025, 11, 1, 17)
    assert add_working_days(RU, msk(2025, 10, 31, 10), 2) == msk(2025, 11, 5, 18)


# --- next_working_moment -------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (msk(*MON, 10, 5), msk(*MON, 10, 5)),
        (msk(*MON, 9), msk(*MON, 9)),
        (msk(*MON, 13), msk(*MON, 14)),
        (msk(*MON, 18), msk(2026, 11, 24, 9)),
        (msk(*FRI, 23, 59), msk(2026, 11, 30, 9)),
        (msk(2025, 12, 30, 18), msk(2026, 1, 12, 9)),
    ],
)
def test_next_working_moment(moment: datetime, expected: datetime) -> None:
    assert next_working_moment(RU, moment) == expected


# --- working_time_between ------------------------------------------------------------


def test_working_time_between_counts_only_hours() -> None:
    assert working_time_between(PLAIN, msk(*MON, 9), msk(2026, 11, 25, 18)) == 24 * H
    assert working_time_between(PLAIN, msk(*FRI, 17), msk(2026, 11, 30, 10)) == 2 * H
    assert working_time_between(PLAIN, msk(*MON, 12, 30), msk(*MON, 14, 30)) == H
    assert working_time_between(PLAIN, msk(*FRI), msk(*MON)) == timedelta(0)


def test_paused_intervals_stop_the_clock() -> None:
    start, end = msk(*MON, 9), msk(2026, 11, 25, 18)
    # Waiting on the requester from Monday noon to Tuesday 10:00: 1 + 4 + 1 hours.
    waiting = (msk(*MON, 12), msk(2026, 11, 24, 10))
    assert working_time_between(PLAIN, start, end, [waiting]) == 18 * H
    # Overlapping pauses are counted once; pauses outside the window do nothing and
    # pauses over its edges are clipped.
    overlapping = [waiting, (msk(*MON, 17), msk(2026, 11, 24, 9, 30))]
    assert working_time_between(PLAIN, start, end, overlapping) == 18 * H
    outside = [(msk(2026, 11, 20), msk(2026, 11, 21)), (msk(2026, 11, 25, 17), msk(2026, 12, 1))]
    assert working_time_between(PLAIN, start, end, outside) == 23 * H
    assert working_time_between(PLAIN, start, end, [(msk(2026, 11, 1), msk(2026, 12, 1))]) == (
        timedelta(0)
    )


# --- Time zones ----------------------------------------------------------------------


def test_moscow_has_no_dst() -> None:
    always = Schedule(tz=MSK, weekly=ROUND_THE_CLOCK)
    assert working_time_between(always, msk(2026, 3, 28, 12), msk(2026, 3, 29, 12)) == 24 * H
    assert working_time_between(always, msk(2026, 10, 24, 12), msk(2026, 10, 25, 12)) == 24 * H


def test_berlin_round_the_clock_across_dst_changes() -> None:
    always = Schedule(tz=BERLIN, weekly=ROUND_THE_CLOCK)
    # Clocks go forward on Sunday 29 March 2026 and back on Sunday 25 October 2026.
    assert working_time_between(always, ber(2026, 3, 28, 12), ber(2026, 3, 29, 12)) == 23 * H
    assert add_working_time(always, ber(2026, 3, 28, 12), 24 * H) == ber(2026, 3, 29, 13)
    assert working_time_between(always, ber(2026, 10, 24, 12), ber(2026, 10, 25, 12)) == 25 * H
    assert add_working_time(always, ber(2026, 10, 24, 12), 24 * H) == ber(2026, 10, 25, 11)


def test_berlin_office_hours_across_the_march_change() -> None:
    berlin = Schedule(tz=BERLIN, weekly=OFFICE)
    friday, monday = ber(2026, 3, 27, 17), ber(2026, 3, 30, 10)
    assert add_working_time(berlin, friday, 2 * H) == monday
    assert monday.utcoffset() == 2 * H
    assert working_time_between(berlin, friday, monday) == 2 * H
    # A night shift over the change loses the skipped hour: 01:00-04:00 is 2 hours.
    night = Schedule(tz=BERLIN, weekly={6: [(time(1), time(4))]})
    assert working_time_between(night, ber(2026, 3, 29), ber(2026, 3, 30)) == 2 * H
    assert working_time_between(night, ber(2026, 10, 25), ber(2026, 10, 26)) == 4 * H


# --- Schedule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weekly",
    [
        {0: [(time(9), time(9))]},
        {0: [(time(18), time(9))]},
        {0: [(time(9), time(13)), (time(12), time(18))]},
        {0: [(time(9), time(0)), (time(12), time(18))]},
        {7: [(time(9), time(18))]},
    ],
)
def test_invalid_schedules_are_refused(weekly: dict[int, list[tuple[time, time]]]) -> None:
    with pytest.raises(ValueError):
        Schedule(tz=MSK, weekly=weekly)


def test_a_schedule_refuses_days_outside_its_loaded_window() -> None:
    windowed = Schedule(
        tz=MSK, weekly=OFFICE, known_from=date(2026, 1, 1), known_until=date(2026, 12, 31)
    )
    assert add_working_time(windowed, msk(2026, 12, 30, 17), 9 * H) == msk(2026, 12, 31, 18)
    with pytest.raises(ValueError, match="window"):
        add_working_time(windowed, msk(2026, 12, 30, 17), 17 * H)


def test_an_exception_replaces_the_weekday() -> None:
    schedule = Schedule(
        tz=MSK,
        weekly=OFFICE,
        exceptions={date(2026, 11, 23): None, date(2026, 11, 28): [(time(10), time(12))]},
    )
    assert not schedule.is_working_day(date(2026, 11, 23))
    assert schedule.periods_on(date(2026, 11, 28)) == ((time(10), time(12)),)
    assert add_working_time(schedule, msk(*FRI, 17), 2 * H) == msk(2026, 11, 28, 11)


# --- Properties ----------------------------------------------------------------------

SCHEDULES = {
    "moscow-ru": RU,
    "berlin-split": Schedule(
        tz=BERLIN,
        weekly={
            **{weekday: [(time(8), time(12)), (time(16), time(20))] for weekday in range(5)},
            5: [(time(1), time(4)), (time(22), time(0))],
            6: [(time(0), time(3, 30))],
        },
    ),
}


def moments(tz: ZoneInfo) -> st.SearchStrategy[datetime]:
    return st.datetimes(
        min_value=datetime(2025, 1, 1),
        max_value=datetime(2027, 6, 30),
        timezones=st.just(tz),
        allow_imaginary=False,
    )


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    name=st.sampled_from(sorted(SCHEDULES)),
    duration=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400)),
)
def test_measuring_what_was_added_gives_it_back(
    data: st.DataObject, name: str, duration: timedelta
) -> None:
    schedule = SCHEDULES[name]
    assert isinstance(schedule.tz, ZoneInfo)
    start = data.draw(moments(schedule.tz))
    end = add_working_time(schedule, start, duration)
    assert end >= start
    assert working_time_between(schedule, start, end) == duration


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    name=st.sampled_from(sorted(SCHEDULES)),
    first=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=100)),
    second=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=100)),
)
def test_adding_in_two_steps_is_adding_once(
    data: st.DataObject, name: str, first: timedelta, second: timedelta
) -> None:
    schedule = SCHEDULES[name]
    assert isinstance(schedule.tz, ZoneInfo)
    start = data.draw(moments(schedule.tz))
    at_once = add_working_time(schedule, start, first + second)
    in_steps = add_working_time(schedule, add_working_time(schedule, start, first), second)
    # Equal as instants, except that a zero second step moves a closing on to the
    # following opening.
    assert in_steps == at_once or (second == timedelta(0) and in_steps >= at_once)


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    name=st.sampled_from(sorted(SCHEDULES)),
)
def test_pauses_never_add_time(data: st.DataObject, name: str) -> None:
    schedule = SCHEDULES[name]
    assert isinstance(schedule.tz, ZoneInfo)
    a, b, c, d = sorted(data.draw(moments(schedule.tz)) for _ in range(4))
    whole = working_time_between(schedule, a, d)
    assert working_time_between(schedule, a, d, [(b, c)]) == whole - working_time_between(
        schedule, b, c
    )
