"""The Russian production calendar as calendar rows: public holidays, substituted days
off, weekend days worked in exchange and shortened pre-holiday days. No queries here:
the services store what this computes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta

import holidays

from pult.calendars.models import CalendarException

# Mon-Fri with a lunch hour: the usual 40-hour week of a Russian office.
STANDARD_DAY = ((time(9), time(13)), (time(14), time(18)))
# The same day one hour shorter, as art. 95 of the Labour Code requires before a holiday.
SHORTENED_DAY = ((time(9), time(13)), (time(14), time(17)))

# The non-working public holidays of art. 112 of the Labour Code of the RF (month, day).
_STATUTORY_HOLIDAYS = frozenset(
    [(1, d) for d in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]
)

# Weekend days worked in exchange for a day off, as each year's government decree sets
# them. The `holidays` package lists the days off (2025-11-03) and, in recent versions,
# the worked weekend days too (`weekend_workdays`); this table holds the ones checked
# against the decree, so an older or changed package cannot drop them. The value says
# whether the day is also the shortened day before a holiday.
KNOWN_WORKING_WEEKEND_DAYS: dict[date, bool] = {
    # Decree of the Government of the RF of 04.10.2024 No. 1335 "On the transfer of days
    # off in 2025": Saturday 1 November is worked instead of Monday 3 November. It is
    # worked on Monday's hours less one hour, as the day before the 2-4 November break.
    date(2025, 11, 1): True,
    # 2026 has none: the decree signed on 24.09.2025 moves only the holiday weekend days
    # 3 and 4 January (to Friday 9 January and Thursday 31 December).
    # Later years come from the package until checked here; its worked weekend days get
    # full hours, so one that is also a pre-holiday day (as 2025-11-01 was) needs a row
    # here or an edit in the product.
}

# (kind, working periods) of one date.
DayPlan = tuple[str, tuple[tuple[time, time], ...]]


def russian_days(years: Iterable[int]) -> dict[date, DayPlan]:
    """Russian production-calendar exceptions for `years`: {date: (kind, periods)}.

    Days off and substituted days off come from the `holidays` package; worked weekend
    days from it and from KNOWN_WORKING_WEEKEND_DAYS. Shortened days follow art. 95 of
    the Labour Code as written: a working day right before a statutory holiday is one
    hour shorter. A worked Saturday that stands in for the day before a holiday (as
    2025-11-01) is shortened by the official calendars too; the table above marks those.
    """
    wanted = sorted(set(years))
    calendar = holidays.country_holidays("RU", years=wanted)
    days: dict[date, DayPlan] = {}
    for day in calendar:
        days[day] = (CalendarException.Kind.HOLIDAY, ())
    weekend_workdays = set(getattr(calendar, "weekend_workdays", set()))
    weekend_workdays |= KNOWN_WORKING_WEEKEND_DAYS.keys()
    for day in weekend_workdays:
        if day.year in wanted and day not in calendar:
            shortened = KNOWN_WORKING_WEEKEND_DAYS.get(day, False)
            days[day] = (
                CalendarException.Kind.WORKING_DAY,
                SHORTENED_DAY if shortened else STANDARD_DAY,
            )

    def is_working(day: date) -> bool:
        if day in days:
            return days[day][0] != CalendarException.Kind.HOLIDAY
        return day.weekday() < 5

    for year in wanted:
        for month, day_of_month in _STATUTORY_HOLIDAYS:
            eve = date(year, month, day_of_month) - timedelta(days=1)
            if eve.year in wanted and is_working(eve) and eve not in days:
                days[eve] = (CalendarException.Kind.SHORT_DAY, SHORTENED_DAY)
    return dict(sorted(days.items()))
