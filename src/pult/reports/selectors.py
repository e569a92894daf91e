"""Statistics reads: read-only, scoped to the workspace and to what the actor may see.

`statistics_get` is the page: from the rollup when it applies (`fast.py`), else live
(`live.py` for the building blocks and the figures the rollup shares, the rest here).
The figures are the values of `figures.py`; the definitions of filed, done, open now,
overdue and on time are `live.conditions`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import TruncWeek
from django.utils import timezone

from pult.parties.models import Brand, Outlet
from pult.reports import fast, live
from pult.reports.figures import (
    TOP_GROUPS,
    GroupRow,
    Share,
    SpecialistTable,
    Statistics,
    StatsFilters,
    Summary,
    WeekRow,
    specialist_order,
    specialist_page,
)
from pult.work.models import Item, ItemType

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


# --- Filters ---------------------------------------------------------------------


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


# --- Summary and SLA ----------------------------------------------------------------


def summary_get(
    *, actor: User, workspace: Workspace, filters: StatsFilters, now: datetime | None = None
) -> Summary:
    """Headline figures and SLA compliance in one aggregate query."""
    now = now or timezone.now()
    c = live.conditions(filters.period, now)
    items = live.report_items(actor=actor, workspace=workspace, filters=filters)
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
        **live.median_annotation(c.done),
    )
    if live.median_in_database():
        median = row["median_lead"]
    else:
        median = live.medians_in_python(items, c.done, None).get(workspace.pk)
    return Summary(
        filed=row["filed"],
        done=row["done"],
        open_now=row["open_now"],
        overdue_now=row["overdue_now"],
        median_lead=median,
        finished_on_time=Share(row["finished_on_time"], row["with_due"]),
        started_on_time=Share(row["started_on_time"], row["with_start"]),
    )


# --- Per brand and per city ---------------------------------------------------------


def _group_stats(
    items: QuerySet[Item], c: live.Conditions, key: str, label: str, limit: int
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
    c = live.conditions(filters.period, now or timezone.now())
    items = live.report_items(actor=actor, workspace=workspace, filters=filters)
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
    c = live.conditions(filters.period, now or timezone.now())
    items = live.report_items(actor=actor, workspace=workspace, filters=filters)
    return _group_stats(items, c, "outlet__city", "outlet__city", limit)


# --- Weekly trend -------------------------------------------------------------------


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
    c = live.conditions(filters.period, timezone.now())
    items = live.report_items(actor=actor, workspace=workspace, filters=filters)
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
    rolled = fast.statistics(
        actor=actor, workspace=workspace, filters=filters, now=now, table=table
    )
    if rolled is not None:
        return rolled
    scope: dict[str, Any] = {"actor": actor, "workspace": workspace, "filters": filters}
    everyone = live.specialist_stats(**scope, now=now)
    specialists, table = specialist_page(specialist_order(everyone, table.order), table)
    return Statistics(
        summary=summary_get(**scope, now=now),
        statuses=live.status_counts(**scope),
        specialists=specialists,
        brands=brand_stats(**scope, now=now),
        cities=city_stats(**scope, now=now),
        weeks=weekly_trend(**scope),
        specialist_table=table,
        specialist_count=len(everyone),
    )
