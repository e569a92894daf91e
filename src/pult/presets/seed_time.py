"""Time for `pult seed`: a fixed anchor, the week shift, and fast working-time arithmetic.

Why a week shift: the data must be the same for the same scale and seed, yet open items
must look current to a benchmark run today (a queue filed a year ago is not a queue).
So every moment is generated on a timeline that ends at ANCHOR moved forward by whole
weeks to the last such Monday midnight at or before now. A whole-week move keeps every
weekday and wall-clock time (Moscow has no daylight-saving changes), and the working-time
arithmetic below uses the calendar's weekly hours only, so a run in another week yields
the same rows with every timestamp moved by the same number of weeks: nothing else
differs. The price: SLA dates ignore public holidays (a due date may fall on 1 January),
which a benchmark does not notice; everything else follows the regulations' hours.

Instants are integer Unix seconds inside the generator (cheap to add and compare);
they become aware datetimes only when a row is written.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

# A Monday, local midnight. Changing it changes every seeded timestamp; do not.
ANCHOR_DAY = date(2026, 1, 5)
WEEK = 7 * 86_400
DAY = 86_400
HOUR = 3_600


def timeline_end(now: datetime, tz: tzinfo) -> int:
    """The end of the seeded history: ANCHOR moved by whole weeks to the last such
    Monday midnight at or before `now` (earlier than the anchor: moved back)."""
    anchor = int(datetime.combine(ANCHOR_DAY, time(0), tzinfo=tz).timestamp())
    weeks = (int(now.timestamp()) - anchor) // WEEK
    return anchor + weeks * WEEK


def aware(t: int | None) -> datetime | None:
    return None if t is None else datetime.fromtimestamp(t, UTC)


class WorkClock:
    """Working time on a weekly schedule as one line of seconds.

    `wt(t)` is the working time elapsed at instant `t` since the first day; `at(w)` is
    the earliest instant at which `w` has elapsed. So adding working time is
    `at(wt(t) + d)`: the same answers as `calendars.worktime.add_working_time` on a
    schedule without exceptions (a duration running out at a closing ends at the
    closing), by two binary searches instead of a day-by-day scan."""

    def __init__(
        self, tz: tzinfo, weekly: Mapping[int, Sequence[tuple[time, time]]], first: date, last: date
    ) -> None:
        self.tz = tz
        starts: list[int] = []
        ends: list[int] = []
        day = first
        while day <= last:
            for a, b in sorted(weekly.get(day.weekday(), ())):
                start = int(datetime.combine(day, a, tzinfo=tz).timestamp())
                end_day = day + timedelta(days=1) if b == time(0) else day
                end = int(datetime.combine(end_day, b, tzinfo=tz).timestamp())
                if end > start:
                    starts.append(start)
                    ends.append(end)
            day += timedelta(days=1)
        if not starts:
            raise ValueError("the calendar has no working hours")
        self.starts, self.ends = starts, ends
        self.cum: list[int] = []  # working seconds before each interval
        self.cum_end: list[int] = []  # ... and at its end
        total = 0
        for opens, closes in zip(starts, ends, strict=True):
            self.cum.append(total)
            total += closes - opens
            self.cum_end.append(total)

    def wt(self, t: int) -> int:
        i = bisect_right(self.ends, t)
        if i == len(self.ends):
            raise ValueError("beyond the seeded calendar")
        return self.cum[i] + max(0, t - self.starts[i])

    def at(self, w: int) -> int:
        i = bisect_left(self.cum_end, w)
        if i == len(self.cum_end):
            raise ValueError("beyond the seeded calendar")
        return self.starts[i] + max(0, w - self.cum[i])

    def add(self, t: int, seconds: float) -> int:
        return self.at(self.wt(t) + int(seconds))


def local_date(t: int, offset: int) -> date:
    return datetime.fromtimestamp(t + offset, UTC).date()


def local_hour(t: int, offset: int) -> int:
    """The local hour of `t` for a zone `offset` seconds east of UTC (Moscow: fixed)."""
    return (t + offset) // HOUR % 24


def awake(t: int, offset: int, jitter: int) -> int:
    """People outside the office answer between 08:00 and 23:00 local time: a moment at
    night moves to the next morning, `jitter` seconds after 08:00."""
    hour = local_hour(t, offset)
    if 8 <= hour < 23:
        return t
    local_midnight = t - (t + offset) % DAY
    morning = local_midnight + 8 * HOUR + (DAY if hour >= 23 else 0)
    return morning + jitter
