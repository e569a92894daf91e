"""Statistics rollups: per-day counts kept in step with the items (PostgreSQL only).

Every count the statistics page shows is a sum of `StatsCell` rows over the period's
days, so the page reads a few hundred rows instead of every item. The rows are:

- "o" (day, brand, city): filed on the day; done on the day (late, with a due date);
  started on the day (with a start date, on time);
- "a" (day, assignee): done on the day, and late;
- "s" (day, current status): filed on the day;
- "O" (due day, brand, city) and "A" (due day, assignee): open now;
- "h" (day, `lead`) and "p" (day, assignee, `lead`): done on the day with that lead time
  at the page's resolution (`leadtime.bucket`, in seconds): the histograms the median
  lead times are read from (`fast._medians`). Every other kind has `lead` 0.

A specialist's "p" rows are about one per item done (a few a day, each at its own
tenth of an hour), so reading them all for 300 specialists costs what the live median
did. The "a" rows therefore also count their items per lead-time band (`band`: ~19 %
wide, 49 of them), packed in one number, `lead_bands`: the count of band b is the
b-th group of BAND_DIGITS decimal digits, so that adding the numbers adds the counts
(exact: a group would need 10^BAND_DIGITS items of one person in one band to carry).
The page sums them with the other counts, finds the band of each median, and reads
only that band's "p" rows (index `reports_statscell_lead`).

An item's contribution is a pure function of its facts (`_cells`). A service that
changes an item takes `capture()` of it after locking its row and calls `record()` at
the end, in the same transaction: the difference of the two contributions is added
with INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n, so concurrent changes of
different items never lose a count (and the item's row lock orders changes of one).

`rebuild()` recomputes a workspace's rows from the items in SQL and marks the rollup
ready (`StatsReady`); until then the page computes live. Days are in the zone of
settings.TIME_ZONE at rebuild time; a reader in another zone whose midnights differ
gets the live figures.
"""

from __future__ import annotations

import bisect
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from pult.reports import leadtime
from pult.reports.models import StatsReady
from pult.work.models import Item, StatusCategory

if TYPE_CHECKING:
    from pult.accounts.models import Workspace

NO_DUE = date(9999, 12, 31)  # the due day of open items without a due date: never overdue
COUNTERS = (
    "filed",
    "done",
    "done_late",
    "done_with_due",
    "started_with_start",
    "started_on_time",
    "open",
    "lead_bands",
)
FILED, DONE, LATE, WITH_DUE, WITH_START, STARTED_ON_TIME, OPEN, BANDS = range(len(COUNTERS))

# Lead-time bands: band b holds the representatives r with BAND_EDGES[b-1] <= r <
# BAND_EDGES[b] (band 0: under an hour; the last: from ~143 days). Quarter octaves from
# one hour, on the 6-minute grid. SQL: width_bucket(lead, BAND_EDGES) is the same.
BAND_EDGES = tuple(
    round(3600 * 2 ** (k / 4) / leadtime.HOUR_STEP) * leadtime.HOUR_STEP for k in range(48)
)
BANDS_COUNT = len(BAND_EDGES) + 1
BAND_DIGITS = 10
_BANDS_WIDTH = BANDS_COUNT * BAND_DIGITS
# Where band b's digits are in the zero-padded number (300 unpacked per page view).
_BAND_SLICES = tuple(
    slice(_BANDS_WIDTH - (b + 1) * BAND_DIGITS, _BANDS_WIDTH - b * BAND_DIGITS)
    for b in range(BANDS_COUNT)
)

Key = tuple[int, str, date, int, str, int]  # item type, kind, day, ka, kb, lead
Cells = dict[Key, list[int]]


def band(lead: int) -> int:
    """The band of a representative lead time (seconds): width_bucket in SQL."""
    return bisect.bisect_right(BAND_EDGES, lead)


def band_range(first: int, last: int) -> tuple[int, int]:
    """The representatives of bands first…last: [low, high), in seconds."""
    low = BAND_EDGES[first - 1] if first > 0 else -(2**62)
    high = BAND_EDGES[last] if last < len(BAND_EDGES) else 2**62
    return low, high


def band_counts(packed: int) -> list[int]:
    """Unpack `lead_bands`: the count of each band (band b: the b-th group of digits
    from the right)."""
    if packed < 0:
        raise ValueError("a sum of lead bands is never negative")
    digits = str(packed).rjust(_BANDS_WIDTH, "0")[-_BANDS_WIDTH:]
    return [int(digits[s]) for s in _BAND_SLICES]


def enabled() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Facts:
    """What an item's statistics depend on."""

    workspace_id: int
    item_type_id: int
    status_id: int
    category: str
    submitted_at: datetime
    started_at: datetime | None
    start_at: datetime | None
    closed_at: datetime | None
    due_at: datetime | None
    outlet_id: int | None
    brand_id: int | None
    city: str | None
    assignees: tuple[int, ...]
    zone: str | None = None  # the rollup's zone; None: the workspace has no rollup


def _facts(item_id: int) -> Facts | None:
    row = (
        Item.objects.filter(pk=item_id)
        .annotate(
            assignee_ids=ArrayAgg("assignees", default=None),
            zone=Subquery(
                StatsReady.objects.filter(workspace=OuterRef("workspace")).values("time_zone")
            ),
        )
        .values(
            "workspace_id",
            "item_type_id",
            "status_id",
            "category",
            "submitted_at",
            "started_at",
            "start_at",
            "closed_at",
            "due_at",
            "outlet_id",
            "outlet__brand_id",
            "outlet__city",
            "assignee_ids",
            "zone",
        )
        .first()
    )
    if row is None:
        return None
    return Facts(
        workspace_id=row["workspace_id"],
        item_type_id=row["item_type_id"],
        status_id=row["status_id"],
        category=row["category"],
        submitted_at=row["submitted_at"],
        started_at=row["started_at"],
        start_at=row["start_at"],
        closed_at=row["closed_at"],
        due_at=row["due_at"],
        outlet_id=row["outlet_id"],
        brand_id=row["outlet__brand_id"],
        city=row["outlet__city"],
        assignees=tuple(sorted({u for u in row["assignee_ids"] or () if u is not None})),
        zone=row["zone"],
    )


def _cells(f: Facts | None, zone: zoneinfo.ZoneInfo) -> Cells:
    """The item's contribution; the SQL of `rebuild` says the same."""
    out: Cells = defaultdict(lambda: [0] * len(COUNTERS))
    if f is None:
        return out

    def day(moment: datetime) -> date:
        return moment.astimezone(zone).date()

    t = f.item_type_id
    brand, city = (f.brand_id or 0, f.city or "") if f.outlet_id is not None else (0, "")
    out[(t, "o", day(f.submitted_at), brand, city, 0)][FILED] += 1
    out[(t, "s", day(f.submitted_at), f.status_id, "", 0)][FILED] += 1
    closed = f.category == StatusCategory.CLOSED
    if closed and f.closed_at is not None:
        done = day(f.closed_at)
        late = int(f.due_at is not None and f.closed_at > f.due_at)
        lead = leadtime.bucket(f.closed_at - f.submitted_at)
        cell = out[(t, "o", done, brand, city, 0)]
        cell[DONE] += 1
        cell[LATE] += late
        cell[WITH_DUE] += int(f.due_at is not None)
        out[(t, "h", done, 0, "", lead)][DONE] += 1
        for user in f.assignees:
            cell = out[(t, "a", done, user, "", 0)]
            cell[DONE] += 1
            cell[LATE] += late
            cell[BANDS] += 10 ** (BAND_DIGITS * band(lead))
            out[(t, "p", done, user, "", lead)][DONE] += 1
    if not closed:
        due = day(f.due_at) if f.due_at is not None else NO_DUE
        out[(t, "O", due, brand, city, 0)][OPEN] += 1
        for user in f.assignees:
            out[(t, "A", due, user, "", 0)][OPEN] += 1
    if f.started_at is not None and f.start_at is not None:
        cell = out[(t, "o", day(f.started_at), brand, city, 0)]
        cell[WITH_START] += 1
        cell[STARTED_ON_TIME] += int(f.started_at <= f.start_at)
    return out


def _add(workspace_id: int, delta: Cells) -> None:
    rows = [(key, values) for key, values in sorted(delta.items()) if any(values)]
    if not rows:
        return
    columns = ", ".join(COUNTERS)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * (7 + len(COUNTERS))) + ")"] * len(rows))
    updates = ", ".join(f"{c} = reports_statscell.{c} + EXCLUDED.{c}" for c in COUNTERS)
    params: list[Any] = []
    for (item_type, kind, day, ka, kb, lead), values in rows:
        params += [workspace_id, item_type, kind, day, ka, kb, lead, *values]
    # Keys in a fixed order: two transactions adding to the same rows cannot deadlock.
    # Column names and placeholders only are formatted in; the values are parameters.
    sql = "INSERT INTO reports_statscell (workspace_id, item_type_id, kind, day, ka, kb, lead, "
    sql += "{}) VALUES {} ON CONFLICT (workspace_id, item_type_id, kind, day, ka, kb, lead) "
    sql += "DO UPDATE SET {}"
    sql = sql.format(columns, placeholders, updates)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- The hooks the work services call ---------------------------------------------------


def capture(item_id: int) -> Facts | None:
    """The item's facts before a change (call with its row locked, or for a new item
    after saving it with None)."""
    if not enabled():
        return None
    return _facts(item_id)


def record(before: Facts | None, item_id: int) -> None:
    """Add the change of the item's contribution since `before` (same transaction)."""
    if not enabled():
        return
    after = _facts(item_id)
    if after is None or after.zone is None:  # gone, or no rollup to keep: nothing to do
        return
    zone = zoneinfo.ZoneInfo(after.zone)
    delta = _cells(after, zone)
    for key, values in _cells(before, zone).items():
        cell = delta[key]
        for i, v in enumerate(values):
            cell[i] -= v
    _add(after.workspace_id, delta)


def forget(item_id: int) -> None:
    """Take out the contribution of an item about to be deleted."""
    if not enabled():
        return
    before = _facts(item_id)
    if before is None or before.zone is None:
        return
    delta = _cells(before, zoneinfo.ZoneInfo(before.zone))
    _add(before.workspace_id, {key: [-v for v in values] for key, values in delta.items()})


def item_pre_delete(sender: Any, instance: Item, origin: Any = None, **kwargs: Any) -> None:
    """Signal receiver: an item deleted on its own or with a queryset of items; not when
    its workspace goes (the rollup's rows go with it)."""
    if origin is None or isinstance(origin, (Item, QuerySet)):
        forget(instance.pk)


# --- Rebuild -----------------------------------------------------------------------------

_REBUILD = """
WITH i AS (
    SELECT it.id, it.item_type_id, it.status_id, it.category = 'closed' AS closed,
           it.submitted_at, it.started_at, it.start_at, it.closed_at, it.due_at,
           CASE WHEN it.outlet_id IS NULL THEN 0 ELSE o.brand_id END AS brand,
           CASE WHEN it.outlet_id IS NULL THEN '' ELSE o.city END AS city,
           {lead} AS lead
    FROM work_item it LEFT JOIN parties_outlet o ON o.id = it.outlet_id
    WHERE it.workspace_id = %(ws)s
), a AS (
    SELECT i.*, wa.user_id FROM i JOIN work_item_assignees wa ON wa.item_id = i.id
), c AS (
    SELECT item_type_id, 'o' AS kind, (submitted_at AT TIME ZONE %(tz)s)::date AS day,
           brand AS ka, city AS kb, 0::bigint AS lead, 1 AS filed, 0 AS done, 0 AS done_late,
           0 AS done_with_due, 0 AS started_with_start, 0 AS started_on_time, 0 AS open,
           0::numeric AS lead_bands
    FROM i
    UNION ALL
    SELECT item_type_id, 's', (submitted_at AT TIME ZONE %(tz)s)::date, status_id, '', 0,
           1, 0, 0, 0, 0, 0, 0, 0
    FROM i
    UNION ALL
    SELECT item_type_id, 'o', (closed_at AT TIME ZONE %(tz)s)::date, brand, city, 0,
           0, 1, (due_at IS NOT NULL AND closed_at > due_at)::int, (due_at IS NOT NULL)::int,
           0, 0, 0, 0
    FROM i WHERE closed AND closed_at IS NOT NULL
    UNION ALL
    SELECT item_type_id, 'h', (closed_at AT TIME ZONE %(tz)s)::date, 0, '', lead,
           0, 1, 0, 0, 0, 0, 0, 0
    FROM i WHERE closed AND closed_at IS NOT NULL
    UNION ALL
    SELECT item_type_id, 'a', (closed_at AT TIME ZONE %(tz)s)::date, user_id, '', 0,
           0, 1, (due_at IS NOT NULL AND closed_at > due_at)::int, 0, 0, 0, 0,
           ('1e' || ({digits} * width_bucket(lead, %(band_edges)s::bigint[])))::numeric
    FROM a WHERE closed AND closed_at IS NOT NULL
    UNION ALL
    SELECT item_type_id, 'p', (closed_at AT TIME ZONE %(tz)s)::date, user_id, '', lead,
           0, 1, 0, 0, 0, 0, 0, 0
    FROM a WHERE closed AND closed_at IS NOT NULL
    UNION ALL
    SELECT item_type_id, 'O', COALESCE((due_at AT TIME ZONE %(tz)s)::date, %(no_due)s),
           brand, city, 0, 0, 0, 0, 0, 0, 0, 1, 0
    FROM i WHERE NOT closed
    UNION ALL
    SELECT item_type_id, 'A', COALESCE((due_at AT TIME ZONE %(tz)s)::date, %(no_due)s),
           user_id, '', 0, 0, 0, 0, 0, 0, 0, 1, 0
    FROM a WHERE NOT closed
    UNION ALL
    SELECT item_type_id, 'o', (started_at AT TIME ZONE %(tz)s)::date, brand, city, 0,
           0, 0, 0, 0, 1, (started_at <= start_at)::int, 0, 0
    FROM i WHERE started_at IS NOT NULL AND start_at IS NOT NULL
)
INSERT INTO reports_statscell (workspace_id, item_type_id, kind, day, ka, kb, lead, filed,
    done, done_late, done_with_due, started_with_start, started_on_time, open, lead_bands)
SELECT %(ws)s, item_type_id, kind, day, ka, kb, lead, SUM(filed), SUM(done), SUM(done_late),
       SUM(done_with_due), SUM(started_with_start), SUM(started_on_time), SUM(open),
       SUM(lead_bands)
FROM c GROUP BY item_type_id, kind, day, ka, kb, lead
""".format(  # noqa: S608 (constant expressions of the columns, not input)
    lead=leadtime.bucket_sql("EXTRACT(EPOCH FROM (it.closed_at - it.submitted_at))"),
    digits=BAND_DIGITS,
)


def rebuild(workspace: Workspace) -> int:
    """Recompute the workspace's rollup from its items and mark it ready; the number of
    rows. Writers of items wait for it (the tables are locked in SHARE mode)."""
    if not enabled():
        return 0
    from pult.reports.models import StatsCell

    with transaction.atomic():
        with connection.cursor() as cursor:
            # The item types first, then the items: the order in which filing takes them
            # (it locks the type to number the item, then writes the item). The rows
            # written below point at the types; checking those keys while holding the
            # item table would wait for a filing that waits for the table, a deadlock.
            cursor.execute(
                "SELECT 1 FROM work_itemtype WHERE workspace_id = %s FOR KEY SHARE",
                [workspace.pk],
            )
            cursor.execute("LOCK TABLE work_item, work_item_assignees IN SHARE MODE")
            StatsCell.objects.filter(workspace=workspace).delete()
            cursor.execute(
                _REBUILD,
                {
                    "ws": workspace.pk,
                    "tz": settings.TIME_ZONE,
                    "no_due": NO_DUE,
                    "band_edges": list(BAND_EDGES),
                },
            )
            rows = cursor.rowcount
        StatsReady.objects.update_or_create(
            workspace=workspace,
            defaults={"time_zone": settings.TIME_ZONE, "rebuilt_at": timezone.now()},
        )
    return rows


def rebuild_all(*slugs: str) -> None:
    """Rebuild the rollup of the named workspaces, or of all (after bulk loads such as
    `pult seed`, which writes items with COPY)."""
    from pult.accounts.models import Workspace

    workspaces = Workspace.objects.order_by("pk")
    for workspace in workspaces.filter(slug__in=slugs) if slugs else workspaces:
        rebuild(workspace)
    vacuum()


def vacuum() -> None:
    """After a rebuild: the page reads the counts by index-only scans, which visit the
    table for every row of a page that the visibility map does not mark all-visible, as
    freshly written pages are until VACUUM (outside a transaction; ANALYZE inside)."""
    if not enabled():
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} reports_statscell")
