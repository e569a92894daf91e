"""Working-time arithmetic over a weekly schedule with dated exceptions.

Pure Python, no ORM: `selectors.schedule_for` builds a `Schedule` from calendar rows and
SLA code asks the functions below, so they are fast and tested without a database.

Conventions:
- Periods are local wall-clock times, half-open `[start, end)`; `end == time(0)` means
  midnight at the end of the day, so a round-the-clock desk is `(time(0), time(0))`.
- Weekdays follow `date.weekday()`: Monday is 0, Sunday is 6.
- Datetimes in and out are aware; results come back in the tzinfo of the argument.
- All arithmetic happens in UTC: Python compares and subtracts datetimes that share a
  tzinfo by their wall clock, which is wrong across a DST change. A period's ends are
  placed with `fold=0`, so a time skipped by a spring-forward change lands after it and
  an ambiguous autumn time means its first occurrence.
- Scans go day by day (never minute by minute) and stop after `MAX_SCAN_DAYS` days with
  ValueError, so a calendar without working hours cannot hang a request.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

MAX_SCAN_DAYS = 3660
MIDNIGHT = time(0)
ONE_DAY = timedelta(days=1)

Period = tuple[time, time]
Interval = tuple[datetime, datetime]


def _end_key(period: Period) -> tuple[int, time]:
    # Sorts an end of midnight after every time of the same day.
    return (1, MIDNIGHT) if period[1] == MIDNIGHT else (0, period[1])


def normalized_periods(periods: Iterable[Period]) -> tuple[Period, ...]:
    """Periods sorted by start; ValueError if one is empty or two overlap."""
    result = sorted(periods, key=lambda p: p[0])
    for start, end in result:
        if not (isinstance(start, time) and isinstance(end, time)):
            raise ValueError(f"a period is a pair of times, got {start!r}, {end!r}")
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("period times are local wall-clock times, without tzinfo")
        if not (start < end or end == MIDNIGHT):
            raise ValueError(f"a period must end after it starts: {start}-{end}")
    for previous, following in itertools.pairwise(result):
        if _end_key(previous) > (0, following[0]):
            raise ValueError(f"periods overlap: {previous} and {following}")
    return tuple(result)


@dataclass(frozen=True, slots=True)
class Schedule:
    """Working hours of one calendar.

    `weekly` maps a weekday to its periods (a missing weekday is a day off);
    `exceptions` maps a date to its own periods, or to None for a day off. When the
    exceptions were loaded for a window only, `known_from`/`known_until` bound it, and
    asking about a day outside raises ValueError instead of silently ignoring holidays.
    """

    tz: tzinfo
    weekly: Mapping[int, Sequence[Period]]
    exceptions: Mapping[date, Sequence[Period] | None] = field(default_factory=dict)
    known_from: date | None = None
    known_until: date | None = None

    def __post_init__(self) -> None:
        if any(weekday not in range(7) for weekday in self.weekly):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        # Normalised once here so the hot loops below never sort or validate.
        object.__setattr__(
            self,
            "weekly",
            {weekday: normalized_periods(periods) for weekday, periods in self.weekly.items()},
        )
        object.__setattr__(
            self,
            "exceptions",
            {
                day: None if periods is None else normalized_periods(periods)
                for day, periods in self.exceptions.items()
            },
        )

    def periods_on(self, day: date) -> Sequence[Period]:
        """The working periods of a local date, exceptions first."""
        if (self.known_from is not None and day < self.known_from) or (
            self.known_until is not None and day > self.known_until
        ):
            raise ValueError(
                f"{day} is outside the loaded calendar window "
                f"{self.known_from}..{self.known_until}; load a wider window"
            )
        if day in self.exceptions:
            return self.exceptions[day] or ()
        return self.weekly.get(day.weekday(), ())

    def is_working_day(self, day: date) -> bool:
        return bool(self.periods_on(day))

    def _utc(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz).astimezone(UTC)

    def day_intervals(self, day: date) -> list[Interval]:
        """The periods of a local date as UTC instants, in order."""
        intervals = []
        for start, end in self.periods_on(day):
            a = self._utc(day, start)
            b = self._utc(day + ONE_DAY, MIDNIGHT) if end == MIDNIGHT else self._utc(day, end)
            intervals.append((a, b))
        return intervals


def _aware_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment.astimezone(UTC)


def _same_zone(result: datetime, like: datetime) -> datetime:
    return result.astimezone(like.tzinfo)


def _local_date(schedule: Schedule, moment_utc: datetime) -> date:
    return moment_utc.astimezone(schedule.tz).date()


def _intervals(
    schedule: Schedule, first_day: date, last_day: date | None = None
) -> Iterator[tuple[date, datetime, datetime]]:
    """(local date, UTC start, UTC end) of every working interval from `first_day` on,
    disjoint and in order; stops after `last_day` or after MAX_SCAN_DAYS days."""
    floor: datetime | None = None
    for offset in range(MAX_SCAN_DAYS + 1):
        day = first_day + timedelta(days=offset)
        if last_day is not None and day > last_day:
            return
        for a, b in schedule.day_intervals(day):
            # A spring-forward gap can map wall-clock periods onto overlapping instants;
            # clipping keeps every instant counted once.
            if floor is not None and a < floor:
                a = floor
            if b <= a:
                continue
            yield day, a, b
            floor = b


def _too_far() -> ValueError:
    return ValueError(f"no answer within {MAX_SCAN_DAYS} days of the calendar")


def next_working_moment(schedule: Schedule, moment: datetime) -> datetime:
    """`moment` itself during working hours, otherwise the next opening."""
    cursor = _aware_utc(moment, "moment")
    for _day, a, b in _intervals(schedule, _local_date(schedule, cursor)):
        if b > cursor:
            return _same_zone(max(a, cursor), moment)
    raise _too_far()


def add_working_time(schedule: Schedule, start: datetime, duration: timedelta) -> datetime:
    """The moment when `duration` of working time has elapsed after `start`.

    Counting begins at `start` or, outside working hours, at the next opening. When the
    time runs out exactly at a closing, the closing is the answer (18:00 on Friday, not
    9:00 on Monday); a zero duration gives the next working moment.
    """
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    cursor = _aware_utc(start, "start")
    remaining = duration
    for _day, a, b in _intervals(schedule, _local_date(schedule, cursor)):
        if b <= cursor:
            continue
        a = max(a, cursor)
        if remaining <= b - a:
            return _same_zone(a + remaining, start)
        remaining -= b - a
    raise _too_far()


def add_working_days(schedule: Schedule, start: datetime, days: int) -> datetime:
    """The end of the `days`-th working day after the local date of `start`.

    A working day is a local date with any working period (a short day counts as a
    whole one). As with periods of time in the Civil Code of the RF (art. 191), counting
    begins the day after `start`, whatever its time: 3 working days from Friday 15:00
    end at the close of Wednesday when Monday to Wednesday are worked, and so do 3 from
    Friday 08:00. The answer is the end of that day's last period. `days=0` means "by
    the end of today": the close of the working day on which work could begin, i.e. the
    day of `next_working_moment(start)`.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    cursor = _aware_utc(start, "start")
    if days == 0:
        opening = next_working_moment(schedule, start).astimezone(UTC)
        first_day = _local_date(schedule, opening)
        count_from = 0
    else:
        first_day = _local_date(schedule, cursor) + ONE_DAY
        count_from = 1
    intervals = _intervals(schedule, first_day)
    for count, (_day, day_intervals) in enumerate(
        itertools.groupby(intervals, key=lambda item: item[0]), start=count_from
    ):
        if count == days:
            *_, (_last_day, _a, close) = day_intervals
            return _same_zone(close, start)
    raise _too_far()


def _worked(schedule: Schedule, start: datetime, end: datetime) -> timedelta:
    first_day, last_day = _local_date(schedule, start), _local_date(schedule, end)
    if (last_day - first_day).days > MAX_SCAN_DAYS:
        raise _too_far()
    total = timedelta(0)
    for _day, a, b in _intervals(schedule, first_day, last_day):
        low, high = max(a, start), min(b, end)
        if high > low:
            total += high - low
    return total


def _merged_pauses(
    paused: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[Interval]:
    clipped = []
    for pause_start, pause_end in paused:
        low = max(_aware_utc(pause_start, "pause start"), start)
        high = min(_aware_utc(pause_end, "pause end"), end)
        if high > low:
            clipped.append((low, high))
    clipped.sort()
    merged: list[Interval] = []
    for low, high in clipped:
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def working_time_between(
    schedule: Schedule,
    start: datetime,
    end: datetime,
    paused: Iterable[tuple[datetime, datetime]] = (),
) -> timedelta:
    """Working time in `[start, end)` outside the `paused` intervals (which may overlap
    each other and the edges). Zero when `end` is not after `start`."""
    start_utc, end_utc = _aware_utc(start, "start"), _aware_utc(end, "end")
    if end_utc <= start_utc:
        return timedelta(0)
    total = _worked(schedule, start_utc, end_utc)
    # Merged pauses are disjoint and inside the window, so subtracting them is exact.
    for pause_start, pause_end in _merged_pauses(paused, start_utc, end_utc):
        total -= _worked(schedule, pause_start, pause_end)
    return total
