"""The statistics page from the rollup (`rollup.py`): the same figures, a few hundred rows.

Used when the database is PostgreSQL, the workspace's rollup is ready, the reader sees
every item, and the reader's midnights over the period are the rollup's. Everything
that is a count comes from one statement over `StatsCell`; the open items that became
overdue today (between the rollup zone's midnight and now) from one small live query;
the median lead times (of lead times at the page's resolution, `leadtime`) from the
rollup's histograms of them in one more statement, exactly the live figures. With a
brand or city filter the overall median is computed live (the histograms are not kept
per outlet), as are the per-specialist rows.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import DurationField
from django.utils import timezone

from pult.reports import leadtime, live, rollup
from pult.reports.figures import (
    TOP_GROUPS,
    GroupRow,
    Share,
    SpecialistRow,
    SpecialistTable,
    Statistics,
    StatsFilters,
    StatusCount,
    Summary,
    WeekRow,
    specialist_order,
    specialist_page,
)
from pult.reports.models import StatsReady
from pult.work import policies as work_policies
from pult.work.models import Item, Status, StatusCategory

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

# Every branch reads the index `reports_statscell_counts` alone (index-only scans: the
# rows are spread over the heap). The outlets' rows are summed once per (brand, city),
# a couple of hundred groups, which the brand and city rankings then add up.
_SQL = """
WITH places AS (
    SELECT ka, CASE WHEN ka = 0 THEN NULL ELSE kb END AS city, SUM(filed) AS filed,
           SUM(done) AS done, SUM(done_late) AS late, SUM(open) AS open,
           SUM(open) FILTER (WHERE kind = 'O' AND day < %(today)s) AS overdue
    FROM (
        SELECT kind, day, ka, kb, filed, done, done_late, open FROM reports_statscell
        WHERE workspace_id = %(ws)s AND item_type_id = %(t)s AND kind = 'o'
          AND day >= %(d0)s AND day <= %(d1)s {outlet_filter}
        UNION ALL
        SELECT kind, day, ka, kb, filed, done, done_late, open FROM reports_statscell
        WHERE workspace_id = %(ws)s AND item_type_id = %(t)s AND kind = 'O' {outlet_filter}
    ) o
    GROUP BY 1, 2
)
SELECT 'd', NULL::bigint, NULL::text, day, SUM(filed), SUM(done), SUM(done_late),
       SUM(done_with_due), SUM(started_with_start), SUM(started_on_time), 0, 0, 0,
       NULL::numeric
FROM reports_statscell
WHERE workspace_id = %(ws)s AND item_type_id = %(t)s AND kind = 'o'
  AND day >= %(d0)s AND day <= %(d1)s {outlet_filter}
GROUP BY day
UNION ALL
SELECT 'B', NULLIF(p.ka, 0), b.name, NULL, SUM(filed), SUM(done), SUM(late), 0, 0, 0,
       SUM(open), SUM(overdue),
       ROW_NUMBER() OVER (ORDER BY SUM(filed) DESC, SUM(done) DESC, b.name), NULL
FROM places p LEFT JOIN parties_brand b ON b.id = p.ka
GROUP BY p.ka, b.name HAVING SUM(filed) + SUM(done) + SUM(open) > 0
UNION ALL
SELECT 'C', NULL, city, NULL, SUM(filed), SUM(done), SUM(late), 0, 0, 0, SUM(open),
       SUM(overdue), ROW_NUMBER() OVER (ORDER BY SUM(filed) DESC, SUM(done) DESC, city), NULL
FROM places
GROUP BY city HAVING SUM(filed) + SUM(done) + SUM(open) > 0
{people}
UNION ALL
SELECT 's', ka, NULL, NULL, SUM(filed), 0, 0, 0, 0, 0, 0, 0, 0, NULL
FROM reports_statscell
WHERE workspace_id = %(ws)s AND item_type_id = %(t)s AND kind = 's'
  AND day >= %(d0)s AND day <= %(d1)s
GROUP BY ka
"""

_HISTOGRAMS = """
SELECT 0, lead, SUM(done) FROM reports_statscell
WHERE workspace_id = %(ws)s AND item_type_id = %(t)s AND kind = 'h'
  AND day >= %(d0)s AND day <= %(d1)s
GROUP BY lead
UNION ALL
SELECT p.ka, p.lead, SUM(p.done)
FROM unnest(%(users)s::bigint[], %(lows)s::bigint[], %(highs)s::bigint[]) AS w(u, lo, hi)
JOIN reports_statscell p
  ON p.workspace_id = %(ws)s AND p.item_type_id = %(t)s AND p.kind = 'p' AND p.ka = w.u
 AND p.lead >= w.lo AND p.lead < w.hi AND p.day >= %(d0)s AND p.day <= %(d1)s
GROUP BY p.ka, p.lead
"""

# Summed per specialist before the users are joined: 300 lookups, not one per row.
_PEOPLE = """
UNION ALL
SELECT 'a', p.ka, u.full_name, NULL, 0, p.done, p.late, 0, 0, 0, p.open, p.overdue,
       ROW_NUMBER() OVER (ORDER BY u.full_name, p.ka), p.bands
FROM (
    SELECT ka, SUM(done) AS done, SUM(done_late) AS late, SUM(open) AS open,
           SUM(open) FILTER (WHERE kind = 'A' AND day < %(today)s) AS overdue,
           SUM(lead_bands) AS bands
    FROM (
        SELECT kind, day, ka, done, done_late, open, lead_bands FROM reports_statscell
        WHERE workspace_id = %(ws)s AND item_type_id = %(t)s AND kind = 'a'
          AND day >= %(d0)s AND day <= %(d1)s
        UNION ALL
        SELECT kind, day, ka, done, done_late, open, lead_bands FROM reports_statscell
        WHERE workspace_id = %(ws)s AND item_type_id = %(t)s AND kind = 'A'
    ) a
    GROUP BY ka HAVING SUM(done) + SUM(open) > 0
) p JOIN accounts_user u ON u.id = p.ka
"""


def _midnight(day: date, zone: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), zone)


def _aligned(filters: StatsFilters, zone: zoneinfo.ZoneInfo) -> bool:
    """Every midnight of the period is the same moment for the reader and the rollup."""
    reader = timezone.get_current_timezone()
    if getattr(reader, "key", None) == zone.key:
        return True
    day, last = filters.period.date_from, filters.period.date_to + timedelta(days=1)
    while day <= last:
        if _midnight(day, reader) != _midnight(day, zone):
            return False
        day += timedelta(days=1)
    return True


def _zone(actor: User, workspace: Workspace, filters: StatsFilters) -> zoneinfo.ZoneInfo | None:
    """The rollup's zone when the fast path applies, else None."""
    if not rollup.enabled() or not work_policies.can_see_all_items(actor, workspace):
        return None
    name = (
        StatsReady.objects.filter(workspace=workspace).values_list("time_zone", flat=True).first()
    )
    if name is None:
        return None
    zone = zoneinfo.ZoneInfo(name)
    return zone if _aligned(filters, zone) else None


@dataclass
class _Group:
    key: Any
    label: str
    filed: int
    done: int
    late: int
    open: int
    overdue_open: int
    rank: int


@dataclass
class _Overdue:
    """Open items past due: counted before today from the rollup, today live."""

    total: int = 0
    brands: dict[Any, int] = field(default_factory=lambda: defaultdict(int))
    cities: dict[Any, int] = field(default_factory=lambda: defaultdict(int))
    people: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def _overdue_today(
    workspace: Workspace, filters: StatsFilters, since: datetime, now: datetime
) -> _Overdue:
    out = _Overdue()
    if since >= now:
        return out
    items = Item.objects.filter(
        workspace=workspace, item_type=filters.item_type, due_at__gte=since, due_at__lt=now
    ).exclude(category=StatusCategory.CLOSED)
    if filters.brand is not None:
        items = items.filter(outlet__brand=filters.brand)
    if filters.city:
        items = items.filter(outlet__city=filters.city)
    seen: set[int] = set()
    for pk, outlet, brand, city, user in items.values_list(
        "pk", "outlet_id", "outlet__brand_id", "outlet__city", "assignees"
    ):
        if user is not None:
            out.people[user] += 1
        if pk in seen:
            continue
        seen.add(pk)
        out.total += 1
        out.brands[brand if outlet is not None else None] += 1
        out.cities[city if outlet is not None else None] += 1
    return out


def statistics(
    *,
    actor: User,
    workspace: Workspace,
    filters: StatsFilters,
    now: datetime,
    table: SpecialistTable | None = None,
) -> Statistics | None:
    """The page's figures from the rollup, or None when the live path must answer."""
    zone = _zone(actor, workspace, filters)
    if zone is None:
        return None
    today = timezone.localtime(now, zone).date()
    filtered = filters.brand is not None or bool(filters.city)
    outlet_filter = ""
    params: dict[str, Any] = {
        "ws": workspace.pk,
        "t": filters.item_type.pk,
        "d0": filters.period.date_from,
        "d1": filters.period.date_to,
        "today": today,
    }
    if filters.brand is not None:
        outlet_filter += " AND ka = %(brand)s"
        params["brand"] = filters.brand.pk
    if filters.city:
        outlet_filter += " AND ka <> 0 AND kb = %(city)s"
        params["city"] = filters.city
    sql = _SQL.format(outlet_filter=outlet_filter, people="" if filtered else _PEOPLE)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    overdue = _overdue_today(workspace, filters, _midnight(today, zone), now)

    days: dict[date, tuple[int, ...]] = {}
    brands: list[_Group] = []
    cities: list[_Group] = []
    people: list[tuple[int, int, str, int, int, int, int]] = []
    statuses: dict[int, int] = {}
    bands: dict[int, list[int]] = {}  # per specialist: items done per lead-time band
    for tag, key, label, day, *n, packed in rows:
        filed, done, late, with_due, with_start, on_time, open_, overdue_open, rank = (
            int(v or 0) for v in n
        )
        if tag == "d":
            days[day] = (filed, done, late, with_due, with_start, on_time)
        elif tag in ("B", "C"):
            group = _Group(
                key if tag == "B" else label,
                label or "",
                filed,
                done,
                late,
                open_,
                overdue_open,
                rank,
            )
            (brands if tag == "B" else cities).append(group)
        elif tag == "a":
            people.append((rank, key, label or "", done, late, open_, overdue_open))
            bands[key] = rollup.band_counts(int(packed or 0))
        else:
            statuses[key] = filed
    open_now = sum(g.open for g in brands)
    summary_counts = [sum(d[i] for d in days.values()) for i in range(6)]
    filed, done, late, with_due, with_start, on_time = summary_counts
    overdue_now = sum(g.overdue_open for g in brands) + overdue.total

    scope: dict[str, Any] = {"actor": actor, "workspace": workspace, "filters": filters}
    table = table or SpecialistTable()
    if filtered:
        everyone = live.specialist_stats(**scope, now=now)
    else:
        people.sort()
        everyone = [
            SpecialistRow(
                user_id=user,
                name=name,
                done=done_,
                open_now=open_,
                median_lead=None,  # below, for the rows that need it
                overdue=Share(late_ + overdue_open + overdue.people[user], done_ + open_),
            )
            for _rank, user, name, done_, late_, open_, overdue_open in people
        ]
        if table.column != "median":
            # A median costs a histogram read: only the page's specialists need theirs.
            page, _table = specialist_page(specialist_order(everyone, table.order), table)
            bands = {r.user_id: bands[r.user_id] for r in page}
    medians = _medians(filters, scope, now, bands=None if filtered else bands)
    if not filtered:
        everyone = [replace(r, median_lead=medians.get(r.user_id)) for r in everyone]
    specialists, table = specialist_page(specialist_order(everyone, table.order), table)
    summary = Summary(
        filed=filed,
        done=done,
        open_now=open_now,
        overdue_now=overdue_now,
        median_lead=medians.pop(None, None),
        finished_on_time=Share(with_due - late, with_due),
        started_on_time=Share(on_time, with_start),
    )

    def groups(found: list[_Group], today_by: dict[Any, int]) -> list[GroupRow]:
        found.sort(key=lambda g: g.rank)
        return [
            GroupRow(g.key, g.label, g.filed, g.done, g.late + g.overdue_open + today_by[g.key])
            for g in found[:TOP_GROUPS]
        ]

    if filtered:
        status_rows = live.status_counts(**scope)
    else:
        status_rows = [
            StatusCount(status, statuses.get(status.pk, 0))
            for status in Status.objects.filter(item_type=filters.item_type).order_by(
                "position", "pk"
            )
        ]
    weeks: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day, d in days.items():
        week = weeks[day - timedelta(days=day.weekday())]
        week[0] += d[0]
        week[1] += d[1]
    return Statistics(
        summary=summary,
        statuses=status_rows,
        specialists=specialists,
        brands=groups(brands, overdue.brands),
        cities=groups(cities, overdue.cities),
        weeks=[WeekRow(w, weeks[w][0], weeks[w][1]) for w in filters.period.weeks()],
        specialist_table=table,
        specialist_count=len(everyone),
    )


def _medians(
    filters: StatsFilters,
    scope: dict[str, Any],
    now: datetime,
    *,
    bands: dict[int, list[int]] | None,
) -> dict[Any, timedelta | None]:
    """The median lead time of the items done in the period (key None) and, given the
    specialists' counts per lead-time band, per specialist (key: the user's id).

    One statement over the histograms: every "h" row of the period (a few hundred lead
    times a day) and, per specialist, only the "p" rows of the band(s) holding their
    middle item(s), which the band counts tell; the items below are counted by bands.
    The medians are the live ones: the live path takes the same representatives.
    """
    if bands is None:  # a brand or city filter: no histogram per outlet, live
        c = live.conditions(filters.period, now)
        items = live.report_items(**scope).filter(c.done)
        median = live.Median(live.lead_time(), output_field=DurationField())
        return {None: items.aggregate(m=median)["m"]}
    wanted: dict[int, tuple[int, int]] = {}  # user → (items below the range, all items)
    users, lows, highs = [], [], []
    for user, counts in bands.items():
        total = sum(counts)
        if total <= 0:
            continue
        first, last, below = _middle_bands(counts, total)
        low, high = rollup.band_range(first, last)
        users.append(user)
        lows.append(low)
        highs.append(high)
        wanted[user] = (below, total)
    params = {
        "ws": scope["workspace"].pk,
        "t": filters.item_type.pk,
        "d0": filters.period.date_from,
        "d1": filters.period.date_to,
        "users": users,
        "lows": lows,
        "highs": highs,
    }
    histograms: dict[int, list[tuple[int, int]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_HISTOGRAMS, params)
        for ka, lead, n in cursor.fetchall():
            histograms[ka].append((lead, int(n)))
    out: dict[Any, timedelta | None] = {None: leadtime.median(histograms.pop(0, []))}
    for user, (below, total) in wanted.items():
        out[user] = leadtime.median(histograms[user], below=below, total=total)
    return out


def _middle_bands(counts: list[int], total: int) -> tuple[int, int, int]:
    """The bands of the lower and upper middle items (0-based ranks (n-1)//2 and n//2)
    and the number of items in the bands before the first."""
    low_rank, high_rank = (total - 1) // 2, total // 2
    first = last = below = -1
    seen = 0
    for b, n in enumerate(counts):
        if first < 0 and low_rank < seen + n:
            first, below = b, seen
        if high_rank < seen + n:
            last = b
            break
        seen += n
    return first, last, below
