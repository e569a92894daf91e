"""The statistics page's figures as values: filters, rows and tables, no queries.

Both ways of computing the page fill these in, the live one (`live.py`, `selectors.py`)
and the rollup (`fast.py`), so that the two give equal `Statistics`. The helpers here
are pure: they order and page the per-specialist rows whichever way those were made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from pult.parties.models import Brand
    from pult.work.models import ItemType, Status

TOP_GROUPS = 20
DEFAULT_WEEKS = 12
SPECIALISTS_PER_PAGE = 50


# --- Filters ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included, in the reader's time zone."""

    date_from: date
    date_to: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    def weeks(self) -> list[date]:
        """The Mondays of the ISO weeks the period touches."""
        monday = self.date_from - timedelta(days=self.date_from.weekday())
        out = []
        while monday <= self.date_to:
            out.append(monday)
            monday += timedelta(days=7)
        return out


def default_period(today: date | None = None, weeks: int = DEFAULT_WEEKS) -> Period:
    """The last `weeks` ISO weeks, the current one included."""
    today = today or timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    return Period(this_monday - timedelta(weeks=weeks - 1), today)


@dataclass(frozen=True)
class StatsFilters:
    item_type: ItemType
    period: Period
    brand: Brand | None = None
    city: str = ""


@dataclass(frozen=True)
class Share:
    """`part` of `whole`; `ratio` is None when there is nothing to share."""

    part: int
    whole: int

    @property
    def ratio(self) -> float | None:
        return self.part / self.whole if self.whole else None


# --- Summary and per status -----------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    filed: int
    done: int
    open_now: int
    overdue_now: int
    median_lead: timedelta | None
    finished_on_time: Share
    started_on_time: Share


@dataclass(frozen=True)
class StatusCount:
    status: Status
    count: int


# --- Per specialist -----------------------------------------------------------------


@dataclass(frozen=True)
class SpecialistRow:
    user_id: int
    name: str
    done: int
    open_now: int
    median_lead: timedelta | None
    overdue: Share  # of the items done in the period or open now


# Columns the per-specialist table can be ordered by, and each one's figure; "-" before
# a column's name orders it the other way round (largest first).
_SPECIALIST_FIGURES: dict[str, Callable[[SpecialistRow], Any]] = {
    "done": lambda r: r.done,
    "open": lambda r: r.open_now,
    "median": lambda r: r.median_lead,
    "overdue": lambda r: r.overdue.ratio,
}
SPECIALIST_COLUMNS = ("name", *_SPECIALIST_FIGURES)


@dataclass(frozen=True)
class SpecialistTable:
    """The part of the per-specialist table a page shows: its order and page number."""

    order: str = "name"  # a column, or "-" and a column
    page: int = 1

    @classmethod
    def parse(cls, order: str | None, page: str | None) -> SpecialistTable:
        """From the page's parameters; an unknown order or page is the first one, as a
        link would never give it."""
        if (order or "").lstrip("-") not in SPECIALIST_COLUMNS:
            order = "name"
        number = int(page) if page and page.isdigit() else 1
        return cls(order or "name", max(1, min(number, 10_000)))

    @property
    def column(self) -> str:
        return self.order.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.order.startswith("-")


def specialist_order(rows: list[SpecialistRow], order: str) -> list[SpecialistRow]:
    """The rows (given in name order, the database's collation) in the table's order.
    Equal figures stay in name order; a row without the figure (no median, nothing to
    count) comes last either way."""
    column, descending = order.lstrip("-"), order.startswith("-")
    if column not in _SPECIALIST_FIGURES:
        return rows[::-1] if descending else list(rows)
    figure = _SPECIALIST_FIGURES[column]
    known = sorted((r for r in rows if figure(r) is not None), key=figure, reverse=descending)
    return known + [r for r in rows if figure(r) is None]


def specialist_page_count(rows: int) -> int:
    return max(1, -(-rows // SPECIALISTS_PER_PAGE))


def specialist_page(
    rows: list[SpecialistRow], table: SpecialistTable
) -> tuple[list[SpecialistRow], SpecialistTable]:
    """The rows of the table's page, and the table with the page number brought within
    the pages there are."""
    table = SpecialistTable(table.order, min(table.page, specialist_page_count(len(rows))))
    start = (table.page - 1) * SPECIALISTS_PER_PAGE
    return rows[start : start + SPECIALISTS_PER_PAGE], table


# --- Per brand and per city, per week -------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    key: Any  # brand id or city; None: items without an outlet
    label: str
    filed: int
    done: int
    overdue: int


@dataclass(frozen=True)
class WeekRow:
    week_start: date  # the Monday of the ISO week
    filed: int
    done: int

    @property
    def iso_week(self) -> int:
        return self.week_start.isocalendar().week


# --- Everything the page shows --------------------------------------------------------


@dataclass
class Statistics:
    summary: Summary
    statuses: list[StatusCount]
    specialists: list[SpecialistRow]  # the table's page, in its order
    brands: list[GroupRow]
    cities: list[GroupRow]
    weeks: list[WeekRow]
    specialist_table: SpecialistTable = SpecialistTable()
    specialist_count: int = 0  # on every page

    @property
    def specialist_pages(self) -> int:
        return specialist_page_count(self.specialist_count)

    @property
    def is_empty(self) -> bool:
        s = self.summary
        return not (s.filed or s.done or s.open_now)
