"""Statistics computed live from the items: what the live path and the rollup share.

Every figure starts from `report_items`, that is `item_visible_to(actor, workspace)`, so
a person with the statistics permission but without "see all" gets statistics of their
own items only. Figures are computed in the database with conditional aggregates (one
query per table, whatever the number of items, specialists or brands). The rollup
(`fast.py`) computes here what it does not keep: the per-status counts, the
per-specialist rows and the overall median under a brand or city filter.

The median lead time is the median of lead times at the page's resolution (`leadtime`:
each lead time taken as the figure the page would show for it, 36.0 h or 3.2 days), so
that the rollup's histograms (`fast.py`) give the very same figure; it is PostgreSQL's
`percentile_cont` over `leadtime.LeadBucket` here; SQLite (the zero-set-up default) has
no ordered-set aggregates, so it gets the same figure computed in Python from one query
through `leadtime.bucket`.

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
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
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
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from pult.reports import leadtime
from pult.reports.figures import Period, Share, SpecialistRow, StatsFilters, StatusCount
from pult.work.models import Item, Status, StatusCategory
from pult.work.selectors import item_visible_to

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


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
class Conditions:
    filed: Q
    done: Q
    open: Q
    started: Q
    overdue: Q
    overdue_open: Q
    relevant: Q


def conditions(period: Period, now: datetime) -> Conditions:
    """The definitions above as filters on the items, for the period as of `now`."""
    start, end = period.start, period.end
    filed = Q(submitted_at__gte=start, submitted_at__lt=end)
    done = Q(category=StatusCategory.CLOSED, closed_at__gte=start, closed_at__lt=end)
    open_now = ~Q(category=StatusCategory.CLOSED)
    overdue_open = open_now & Q(due_at__lt=now)
    overdue = (done & Q(closed_at__gt=F("due_at"))) | overdue_open
    return Conditions(
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


def lead_time() -> leadtime.LeadBucket:
    """The lead time at the page's resolution (its bucket's representative)."""
    return leadtime.LeadBucket()


def median_in_database() -> bool:
    return connection.vendor == "postgresql"


def median_annotation(done: Q) -> dict[str, Any]:
    """`median_lead` for an aggregate over the items, on PostgreSQL; else nothing (the
    caller takes `medians_in_python`)."""
    if not median_in_database():
        return {}
    return {"median_lead": Median(lead_time(), filter=done, output_field=DurationField())}


def medians_in_python(items: QuerySet[Item], done: Q, group: str | None) -> dict[Any, timedelta]:
    """The SQLite fallback: one query for the done items' times, medians per group (of
    the lead times at the page's resolution, as `lead_time` in the database)."""
    key = group or "workspace_id"
    durations: dict[Hashable, list[int]] = defaultdict(list)
    for group_key, submitted, closed in items.filter(done).values_list(
        key, "submitted_at", "closed_at"
    ):
        durations[group_key].append(leadtime.bucket(closed - submitted))
    return {k: timedelta(seconds=statistics.median(v)) for k, v in durations.items()}


# --- Per status ---------------------------------------------------------------------


def status_counts(*, actor: User, workspace: Workspace, filters: StatsFilters) -> list[StatusCount]:
    """Items filed in the period by their current status; every status of the type is
    listed (zeros included) in pipeline order, with its colour, icon and name."""
    c = conditions(filters.period, timezone.now())
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


def specialist_stats(
    *, actor: User, workspace: Workspace, filters: StatsFilters, now: datetime | None = None
) -> list[SpecialistRow]:
    """Per assignee: done in the period, open now, median lead time, overdue share.

    One grouped query over the item–assignee pairs (an item with two assignees counts
    for both); people with nothing done in the period and nothing open are left out.
    """
    now = now or timezone.now()
    c = conditions(filters.period, now)
    items = report_items(actor=actor, workspace=workspace, filters=filters)
    grouped = (
        items.filter(c.done | c.open)
        .values("assignees", "assignees__full_name")
        .annotate(
            done=Count("pk", filter=c.done),
            open_now=Count("pk", filter=c.open),
            overdue=Count("pk", filter=c.overdue),
            **median_annotation(c.done),
        )
        .order_by("assignees__full_name", "assignees")
    )
    # The median is annotated only on PostgreSQL: plain dicts for the type checker.
    rows = cast("list[dict[str, Any]]", list(grouped))
    if median_in_database():
        medians = {r["assignees"]: r["median_lead"] for r in rows}
    else:
        medians = medians_in_python(items, c.done, "assignees")
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
