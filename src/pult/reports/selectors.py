"""Statistics reads: read-only, scoped to the workspace and to what the actor may see.

Every figure starts from `item_visible_to(actor, workspace)`, so a person with the
statistics permission but without "see all" gets statistics of their own items only.
Figures are computed in the database with conditional aggregates (one query per
table, whatever the number of items, specialists or brands). The median lead time
is the median of lead times at the page's resolution (`leadtime`: each lead time
taken as the figure the page would show for it, 36.0 h or 3.2 days), so that the
rollup's histograms (`fast.py`) give the very same figure; it is PostgreSQL's
`percentile_cont` over `leadtime.LeadBucket` here; SQLite (the zero-set-up default)
has no ordered-set aggregates, so it gets the same figure computed in Python from one
query through `leadtime.bucket`.

Definitions (the page says them too):
- filed: submitted within the period;
- done: in a closed status, closed within the period;
- open now: not in a closed status, whenever filed;
- lead time: submitted → closed, in calendar time, at the page's resolution;
- overdue: done after its due date, or open now and past its due date;
- finished on time: of the items done in the period that had a due date, closed by it;
- started on time: of the items started in the period that had a start date, started
  by it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from pult.parties.models import Brand, Outlet
from pult.reports import leadtime
from pult.work.models import Item, ItemType, Status, StatusCategory
from pult.work.selectors import item_visible_to

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

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


def item_type_list(*, workspace: Workspace) -> QuerySet[ItemType]:
    """The workspace's kinds of work; the first is the page's default."""
    return ItemType.objects.filter(workspace=workspace).order_by("pk")


def brand_list(*, workspace: Workspace) -> QuerySet[Brand]:
    return Brand.objects.filter(workspace=workspace).order_by("name")


def city_list(*, workspace: Workspace) -> list[str]:
    """Distinct outlet cities (index `outlet_ws_city`)."""
    return list(
        Outlet.objects.filter(workspace=workspace)
        .order_by("city")
        .values_list("city", flat=True)
        .distinct()
    )


def report_items(*, actor: User, workspace: Workspace, filters: StatsFilters) -> QuerySet[Item]:
    """The items the figures are made of: visible to the actor, of the type, brand, city.

    The period is not applied here: each figure applies its own (filed, done, open now).
    """
    items = item_visible_to(actor, workspace).filter(item_type=filters.item_type)
    if filters.brand is not None:
        items = items.filter(outlet__brand=filters.brand)
    if filters.city:
        items = items.filter(outlet__city=filters.city)
    return items.order_by()


# --- Conditions and the median -----------------------------------------------------


@dataclass(frozen=True)
class _Conditions:
    filed: Q
    done: Q
    open: Q
    started: Q
    overdue: Q
    overdue_open: Q
    relevant: Q


def _conditions(period: Period, now: datetime) -> _Conditions:
    start, end = period.start, period.end
    filed = Q(submitted_at__gte=start, submitted_at__lt=end)
    done = Q(category=StatusCategory.CLOSED, closed_at__gte=start, closed_at__lt=end)
    open_now = ~Q(category=StatusCategory.CLOSED)
    overdue_open = open_now & Q(due_at__lt=now)
    overdue = (done & Q(closed_at__gt=F("due_at"))) | overdue_open
    return _Conditions(
        filed=filed,
        done=done,
        open=open_now,
        started=Q(started_at__gte=start, started_at__lt=end),
        overdue=overdue,
        overdue_open=overdue_open,
        relevant=filed | done | open_now,
    )


class Median(Aggregate):
    """PostgreSQL's ordered-set aggregate: the continuous median of the expression."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


def _lead_time() -> leadtime.LeadBucket:
    """The lead time at the page's resolution (its bucket's representative)."""
    return leadtime.LeadBucket()


def _median_in_database() -> bool:
    return connection.vendor == "postgresql"


def _median_annotation(done: Q) -> dict[str, Any]:
    if not _median_in_database():
        return {}
    return {"median_lead": Median(_lead_time(), filter=done, output_field=DurationField())}


def _medians_in_python(items: QuerySet[Item], done: Q, group: str | None) -> dict[Any, timedelta]:
    """The SQLite fallback: one query for the done items' times, medians per group (of
    the lead times at the page's resolution, as `_lead_time` in the database)."""
    key = group or "workspace_id"
    durations: dict[Hashable, list[int]] = defaultdict(list)
    for group_key, submitted, closed in items.filter(done).values_list(
        key, "submitted_at", "closed_at"
    ):
        durations[group_key].append(leadtime.bucket(closed - submitted))
    return {k: timedelta(seconds=statistics.median(v)) for k, v in durations.items()}


@dataclass(frozen=True)
class Share:
    """`part` of `whole`; `ratio` is None when there is nothing to share."""

    part: int
    whole: int

    @property
    def ratio(self) -> float | None:
        return self.part / self.whole if self.whole else None


# --- Summary and SLA ----------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    filed: int
    done: int
    open_now: int
    overdue_now: int
    median_lead: timedelta | None
    finished_on_time: Share
    started_on_time: Share


def summary_get(
    *, actor: User, workspace: Workspace, filters: StatsFilters, now: datetime | None = None
) -> Summary:
    """Headline figures and SLA compliance in one aggregate query."""
    now = now or timezone.now()
    c = _conditions(filters.period, now)
    items = report_items(actor=actor, workspace=workspace, filters=filters)
    with_due = c.done & Q(due_at__isnull=False)
    with_start = c.started & Q(start_at__isnull=False)
    row = items.aggregate(
        filed=Count("pk", filter=c.filed),
        done=Count("pk", filter=c.done),
        open_now=Count("pk", filter=c.open),
        overdue_now=Count("pk", filter=c.overdue_open),
        with_due=Count("pk", filter=with_due),
        finished_on_time=Count("pk", filter=with_due & Q(closed_at__lte=F("due_at"))),
        with_start=Count("pk", filter=with_start),
        started_on_time=Count("pk", filter=with_start & Q(started_at__lte=F("start_at"))),
        **_median_annotation(c.done),
    )
    if _median_in_database():
        median = row["median_lead"]
    else:
        median = _medians_in_python(items, c.done, None).get(workspace.pk)
    return Summary(
        filed=row["filed"],
        done=row["done"],
        open_now=row["open_now"],
        overdue_now=row["overdue_now"],
        median_lead=median,
        finished_on_time=Share(row["finished_on_time"], row["with_due"]),
        started_on_time=Share(row["started_on_time"], row["with_start"]),
    )


# --- Per status ---------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: Status
    count: int


def status_counts(*, actor: User, workspace: Workspace, filters: StatsFilters) -> list[StatusCount]:
    """Items filed in the period by their current status; every status of the type is
    listed (zeros included) in pipeline order, with its colour, icon and name."""
    c = _conditions(filters.period, timezone.now())
    # One statement: the statuses, each with a correlated count of its filed items.
    counts = (
        report_items(actor=actor, workspace=workspace, filters=filters)
        .filter(c.filed, status=OuterRef("pk"))
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values("n")
    )
    statuses = (
        Status.objects.filter(item_type=filters.item_type)
        .annotate(n=Coalesce(Subquery(counts), 0))
        .order_by("position", "pk")
    )
    return [StatusCount(status, status.n) for status in statuses]


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


def specialist_stats(
    *, actor: User, workspace: Workspace, filters: StatsFilters, now: datetime | None = None
) -> list[SpecialistRow]:
    """Per assignee: done in the period, open now, median lead time, overdue share.

    One grouped query over the item–assignee pairs (an item with two assignees counts
    for both); people with nothing done in the period and nothing open are left out.
    """
    now = now or timezone.now()
    c = _conditions(filters.period, now)
    items = report_items(actor=actor, workspace=workspace, filters=filters)
    grouped = (
        items.filter(c.done | c.open)
        .values("assignees", "assignees__full_name")
        .annotate(
            done=Count("pk", filter=c.done),
            open_now=Count("pk", filter=c.open),
            overdue=Count("pk", filter=c.overdue),
            **_median_annotation(c.done),
        )
        .order_by("assignees__full_name", "assignees")
    )
    # The median is annotated only on PostgreSQL: plain dicts for the type checker.
    rows = cast("list[dict[str, Any]]", list(grouped))
    if _median_in_database():
        medians = {r["assignees"]: r["median_lead"] for r in rows}
    else:
        medians = _medians_in_python(items, c.done, "assignees")
    return [
        SpecialistRow(
            user_id=r["assignees"],
            name=r["assignees__full_name"],
            done=r["done"],
            open_now=r["open_now"],
            median_lead=medians.get(r["assignees"]),
            overdue=Share(r["overdue"], r["done"] + r["open_now"]),
        )
        for r in rows
        if r["assignees"] is not None
    ]


# --- Per brand and per city ---------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    key: Any  # brand id or city; None: items without an outlet
    label: str
    filed: int
    done: int
    overdue: int


def _group_stats(
    items: QuerySet[Item], c: _Conditions, key: str, label: str, limit: int
) -> list[GroupRow]:
    rows = (
        items.filter(c.relevant)
        .values(key, label)
        .annotate(
            filed=Count("pk", filter=c.filed),
            done=Count("pk", filter=c.done),
            overdue=Count("pk", filter=c.overdue),
        )
        .order_by("-filed", "-done", label)[:limit]
    )
    return [GroupRow(r[key], r[label] or "", r["filed"], r["done"], r["overdue"]) for r in rows]


def brand_stats(
    *,
    actor: User,
    workspace: Workspace,
    filters: StatsFilters,
    now: datetime | None = None,
    limit: int = TOP_GROUPS,
) -> list[GroupRow]:
    """The top brands by items filed in the period: filed, done, overdue."""
    c = _conditions(filters.period, now or timezone.now())
    items = report_items(actor=actor, workspace=workspace, filters=filters)
    return _group_stats(items, c, "outlet__brand", "outlet__brand__name", limit)


def city_stats(
    *,
    actor: User,
    workspace: Workspace,
    filters: StatsFilters,
    now: datetime | None = None,
    limit: int = TOP_GROUPS,
) -> list[GroupRow]:
    """The top outlet cities by items filed in the period: filed, done, overdue."""
    c = _conditions(filters.period, now or timezone.now())
    items = report_items(actor=actor, workspace=workspace, filters=filters)
    return _group_stats(items, c, "outlet__city", "outlet__city", limit)


# --- Weekly trend -------------------------------------------------------------------


@dataclass(frozen=True)
class WeekRow:
    week_start: date  # the Monday of the ISO week
    filed: int
    done: int

    @property
    def iso_week(self) -> int:
        return self.week_start.isocalendar().week


def _per_week(items: QuerySet[Item], condition: Q, column: str, tag: str) -> QuerySet[Any]:
    # TruncWeek truncates to Monday in the current time zone: ISO weeks.
    return (
        items.filter(condition)
        .annotate(week=TruncWeek(column), tag=Value(tag))
        .values("tag", "week")
        .annotate(n=Count("pk"))
        .values_list("tag", "week", "n")
    )


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def weekly_trend(*, actor: User, workspace: Workspace, filters: StatsFilters) -> list[WeekRow]:
    """Filed vs done per ISO week of the period (empty weeks included); one query."""
    c = _conditions(filters.period, timezone.now())
    items = report_items(actor=actor, workspace=workspace, filters=filters)
    counts: dict[str, dict[date, int]] = {"filed": {}, "done": {}}
    # One statement: the two series as a UNION ALL.
    both = _per_week(items, c.filed, "submitted_at", "filed").union(
        _per_week(items, c.done, "closed_at", "done"), all=True
    )
    rows = cast("list[tuple[str, date | datetime, int]]", list(both))
    for tag, week, n in rows:
        counts[tag][_as_date(week)] = n
    filed, done = counts["filed"], counts["done"]
    return [WeekRow(w, filed.get(w, 0), done.get(w, 0)) for w in filters.period.weeks()]


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


def statistics_get(
    *,
    actor: User,
    workspace: Workspace,
    filters: StatsFilters,
    now: datetime | None = None,
    table: SpecialistTable | None = None,
) -> Statistics:
    """The statistics page's figures: a fixed number of queries, whatever the data size,
    and one page of the per-specialist table (`table`: its order and page).

    From the rollup when it applies (`fast.py`: a reader who sees every item, on
    PostgreSQL, once `pult stats_rebuild` has run), else computed live from the items.
    """
    now = now or timezone.now()
    table = table or SpecialistTable()
    from pult.reports import fast

    rolled = fast.statistics(
        actor=actor, workspace=workspace, filters=filters, now=now, table=table
    )
    if rolled is not None:
        return rolled
    scope: dict[str, Any] = {"actor": actor, "workspace": workspace, "filters": filters}
    everyone = specialist_stats(**scope, now=now)
    specialists, table = specialist_page(specialist_order(everyone, table.order), table)
    return Statistics(
        summary=summary_get(**scope, now=now),
        statuses=status_counts(**scope),
        specialists=specialists,
        brands=brand_stats(**scope, now=now),
        cities=city_stats(**scope, now=now),
        weeks=weekly_trend(**scope),
        specialist_table=table,
        specialist_count=len(everyone),
    )
