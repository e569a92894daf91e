"""Lead times at the page's resolution: the one definition every median is taken over.

The statistics page shows a lead time in hours with one decimal under two days, else in
days with one decimal ("36.0 h", "3.2 days"). A lead time's *bucket* is the figure the
page shows for it, and the bucket's representative is that figure as a duration:

- under 47.95 h: the nearest tenth of an hour (6 minutes): 10 h 7 min → 10.1 h,
  the bucket of 36.0 h being [35.95 h, 36.05 h);
- from 47.95 h: the nearest tenth of a day (2.4 hours): 3 days 5 h → 3.2 days,
  the bucket of 3.2 days being [3.15, 3.25) days; 47.95 h itself rounds to 2.0 days;
- halves round up (floor of the lead time plus half a step), negative times as well.

Every median lead time is the continuous median (percentile_cont: the mean of the two
middle values when the count is even) of the representatives, never of the raw times.
So the rollup can keep it as histograms of representatives (`rollup`: a few hundred
buckets a day for all items) and the three ways of computing it agree to the
microsecond: the histogram (`fast.py`), PostgreSQL's percentile_cont over `bucket_sql`
and Python over `bucket` (`live.py`). The page formats a median with `display`, the
same rounding, so a median that is one representative is shown as exactly that figure.

`bucket` and `bucket_sql` are twins: change one, change the other (tests compare them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F, Func

HOUR_STEP = 360  # seconds in a tenth of an hour
DAY_STEP = 8_640  # seconds in a tenth of a day
DAYS_FROM = 172_620  # 47.95 h in seconds: from here the nearest tenth of an hour is 48.0 h
_US = 1_000_000


def bucket(lead: timedelta) -> int:
    """The representative of the lead time's bucket, in whole seconds."""
    us = lead // timedelta(microseconds=1)
    step = HOUR_STEP if us < DAYS_FROM * _US else DAY_STEP
    return (us + step * _US // 2) // (step * _US) * step


def bucket_sql(seconds: str) -> str:
    """`bucket` in PostgreSQL, of an SQL expression of the lead time in seconds (numeric,
    as EXTRACT(EPOCH …) gives it from PostgreSQL 14 on: exact to the microsecond). The
    expression appears three times in the result."""
    return (
        f"(CASE WHEN {seconds} < {DAYS_FROM} "
        f"THEN FLOOR(({seconds} + {HOUR_STEP // 2}) / {HOUR_STEP}) * {HOUR_STEP} "
        f"ELSE FLOOR(({seconds} + {DAY_STEP // 2}) / {DAY_STEP}) * {DAY_STEP} END)::bigint"
    )


class LeadBucket(Func):
    """The representative of an item's lead time (closed_at − submitted_at) as an
    interval, for ordered-set aggregates such as `live.Median` (PostgreSQL)."""

    output_field = DurationField()

    def __init__(self, **extra: Any) -> None:
        lead = ExpressionWrapper(F("closed_at") - F("submitted_at"), output_field=DurationField())
        super().__init__(lead, **extra)

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        lead, params = compiler.compile(self.source_expressions[0])
        sql = f"({bucket_sql(f'EXTRACT(EPOCH FROM {lead})')} * INTERVAL '1 second')"
        return sql, (*params, *params, *params)  # the expression is used three times


def median(
    histogram: Iterable[tuple[int, int]], *, below: int = 0, total: int | None = None
) -> timedelta | None:
    """percentile_cont(0.5) of a histogram of representatives: (seconds, how many) pairs
    in any order, a representative possibly in several pairs; None when it is empty.

    Part of a histogram will do: `below` more values lie under all of its values and
    `total` is the count of them all, as long as the part holds the middle one(s).
    """
    counts: dict[int, int] = defaultdict(int)
    for value, n in histogram:
        counts[value] += n
    if total is None:
        total = below + sum(counts.values())
    if total <= 0:
        return None
    # 0-based ranks of the middle value(s) among the part's values.
    low_rank, high_rank = (total - 1) // 2 - below, total // 2 - below
    low = high = None
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if low is None and low_rank < seen:
            low = value
        if high_rank < seen:
            high = value
            break
    if low is None or high is None or low_rank < 0:
        raise ValueError("the histogram does not hold the middle values")
    # Representatives are whole seconds: their mean is exact in a float.
    return timedelta(seconds=(low + high) / 2)


def display(lead: timedelta) -> tuple[float, bool]:
    """The figure the page shows for a lead time: (number, in days?), the number with
    one decimal exact (3.2, not 3.1999…), so formatting it to one decimal shows it."""
    seconds = bucket(lead)
    if seconds < DAYS_FROM:
        return round(seconds / HOUR_STEP) / 10, False
    return round(seconds / DAY_STEP) / 10, True
