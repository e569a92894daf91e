"""What a number or a date from outside may be, said once: the query-string parsers of
the pages, the project's forms (`core.forms.Form`) and the API's schemas (`api.schemas`)
all hold these bounds, so a hostile value is refused where it enters instead of failing
deep inside (an id past 64 bits overflows PostgreSQL's bigint; a day at the end of the
calendar overflows the first `+ timedelta` or time-zone shift)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1  # PostgreSQL's bigint, the type of every primary key here
# The days Pult works with: wide enough for any contract or birthday, and far enough
# from year 1 and year 9999 that a week, a month or a time zone around them still fits.
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)

DAY_FORMAT_MESSAGE = _("Enter a date as YYYY-MM-DD.")
DAY_RANGE_MESSAGE = _("Enter a date between 1900 and 2999.")


def id_or_none(raw: object) -> int | None:
    """A positive id (or cursor) from a query parameter, or None when it is missing, not
    a number or not one any row can have."""
    return int_or_none(raw, low=1, high=MAX_ID)


def int_or_none(raw: object, *, low: int, high: int) -> int | None:
    """A whole number within [low, high] from a query parameter, or None."""
    text = str(raw or "").strip()
    # int() of a long string of digits is slow on purpose (CPython limits it); an id
    # never has more than 19 digits.
    if not text or len(text) > 20:
        return None
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def in_day_range(day: datetime.date) -> bool:
    day = day.date() if isinstance(day, datetime.datetime) else day
    return FIRST_DAY <= day <= LAST_DAY


def parse_day(raw: object) -> datetime.date:
    """An ISO date (YYYY-MM-DD) within the days Pult works with; ValueError saying what
    is wrong (translated) otherwise."""
    text = str(raw or "").strip()
    try:
        day = datetime.date.fromisoformat(text) if len(text) <= 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(str(DAY_FORMAT_MESSAGE))
    if not in_day_range(day):
        raise ValueError(str(DAY_RANGE_MESSAGE))
    return day


def day_or_none(raw: object) -> datetime.date | None:
    """`parse_day`, or None when the value is missing or wrong."""
    try:
        return parse_day(raw)
    except ValueError:
        return None
