"""Budgets, the printed table and the JSON file. Pure: results in, text and data out."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from pult.bench.stats import Summary

# Budgets the issue sets, at scale 100. They are reported, never asserted in tests:
# latency on a shared machine is a measurement, not a pass/fail fact.
READ_P95_MS = 50.0  # every page and API read, at concurrency 1
READ_MAX_QUERIES = 15  # every page and API read
STATISTICS_P95_MS = 100.0
API_LIST_MIN_RPS = 400.0  # the API item list at concurrency 8
THROUGHPUT_CONCURRENCY = 8
CHAT_P95_MS = 50.0  # round trip, with CHAT_SOCKETS open sockets
CHAT_SOCKETS = 200
WORKER_MAX_RSS_MB = 200.0  # each web worker, after the run
BUDGET_SCALE = 100

READ, WRITE, STATISTICS, CHAT = "read", "write", "statistics", "chat"

PASS, MISS, NOT_JUDGED = "✓", "✗", "–"


@dataclass
class ScenarioResult:
    """One scenario measured: latency from outside, SQL from the probe."""

    name: str
    label: str
    kind: str  # READ, WRITE, STATISTICS or CHAT
    summary: Summary | None = None
    queries: int | None = None
    floor_ms: float | None = None
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """How many times the page's median is slower than its SQL alone."""
        if self.summary is None or not self.floor_ms or math.isnan(self.summary.p50_ms):
            return None
        return self.summary.p50_ms / self.floor_ms


@dataclass(frozen=True)
class Budget:
    label: str
    scenario: str | None  # None: the whole run (e.g. worker memory)
    measured: float | None  # None: not measured in this run
    limit: float
    unit: str
    at_least: bool = False  # throughput budgets are floors, the rest ceilings
    judged: bool = True  # False when the run's shape differs from the budget's

    @property
    def mark(self) -> str:
        if not self.judged or self.measured is None or math.isnan(self.measured):
            return NOT_JUDGED
        ok = self.measured >= self.limit if self.at_least else self.measured <= self.limit
        return PASS if ok else MISS


def evaluate_budgets(
    results: Sequence[ScenarioResult],
    *,
    concurrency: int,
    sockets: int,
    throughput: Summary | None,
    worker_rss_mb: dict[int, float],
) -> list[Budget]:
    """Every budget of the issue against this run; those the run cannot judge (another
    concurrency or socket count) are listed unjudged rather than silently dropped."""
    budgets: list[Budget] = []
    for result in results:
        p95 = result.summary.p95_ms if result.summary else None
        if result.kind in (READ, STATISTICS):
            limit = STATISTICS_P95_MS if result.kind == STATISTICS else READ_P95_MS
            budgets.append(
                Budget(
                    f"{result.name}: p95 ≤ {limit:g} ms at concurrency 1",
                    result.name,
                    p95,
                    limit,
                    "ms",
                    judged=concurrency == 1,
                )
            )
            budgets.append(
                Budget(
                    f"{result.name}: ≤ {READ_MAX_QUERIES} SQL queries",
                    result.name,
                    None if result.queries is None else float(result.queries),
                    READ_MAX_QUERIES,
                    "queries",
                )
            )
        elif result.kind == CHAT:
            budgets.append(
                Budget(
                    f"{result.name}: round trip p95 ≤ {CHAT_P95_MS:g} ms "
                    f"with {CHAT_SOCKETS} sockets",
                    result.name,
                    p95,
                    CHAT_P95_MS,
                    "ms",
                    judged=sockets == CHAT_SOCKETS,
                )
            )
    budgets.append(
        Budget(
            f"api_item_list: ≥ {API_LIST_MIN_RPS:g} req/s at concurrency {THROUGHPUT_CONCURRENCY}",
            "api_item_list",
            throughput.rps if throughput else None,
            API_LIST_MIN_RPS,
            "req/s",
            at_least=True,
        )
    )
    for pid, rss in sorted(worker_rss_mb.items()):
        budgets.append(
            Budget(
                f"web worker {pid}: RSS ≤ {WORKER_MAX_RSS_MB:g} MB after the run",
                None,
                rss,
                WORKER_MAX_RSS_MB,
                "MB",
            )
        )
    if not worker_rss_mb:
        budgets.append(
            Budget(
                f"web workers: RSS ≤ {WORKER_MAX_RSS_MB:g} MB after the run",
                None,
                None,
                WORKER_MAX_RSS_MB,
                "MB",
            )
        )
    return budgets


def scenario_mark(name: str, budgets: Iterable[Budget]) -> str:
    """✗ if any budget of the scenario is missed, ✓ if all judged ones pass."""
    marks = [b.mark for b in budgets if b.scenario == name]
    if MISS in marks:
        return MISS
    if PASS in marks:
        return PASS
    return NOT_JUDGED


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{value:.{digits}f}"


def format_table(results: Sequence[ScenarioResult], budgets: Sequence[Budget]) -> str:
    """The scenario table: latency, throughput, SQL and the page/floor ratio."""
    headers = [
        _("scenario"),
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "req/s",
        _("queries"),
        _("floor ms"),
        _("page/floor"),
        _("budget"),
    ]
    rows = []
    for r in results:
        s = r.summary
        ratio = r.ratio
        rows.append(
            [
                r.name,
                _num(s.p50_ms if s else None),
                _num(s.p95_ms if s else None),
                _num(s.p99_ms if s else None),
                _num(s.rps if s else None),
                "—" if r.queries is None else str(r.queries),
                _num(r.floor_ms, 2),
                "—" if ratio is None else f"{ratio:.1f}×",
                scenario_mark(r.name, budgets),
            ]
        )
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    lines = []
    for n, row in enumerate([headers, *rows]):
        cells = [
            str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_budgets(budgets: Sequence[Budget]) -> str:
    lines = []
    for b in budgets:
        measured = _num(b.measured, 0 if b.unit == "queries" else 1)
        note = "" if b.judged else "  " + _("(not judged: run differs from the budget)")
        lines.append(f"  {b.mark} {b.label}: {measured} {b.unit}{note}")
    return "\n".join(lines)


def format_errors(results: Sequence[ScenarioResult]) -> str:
    lines = []
    for r in results:
        if r.error:
            lines.append(f"  {r.name}: {r.error}")
        elif r.summary and r.summary.errors:
            lines.append(
                f"  {r.name}: "
                + _("%(n)s failed requests") % {"n": r.summary.errors}
                + (f" ({r.extra['last_error']})" if r.extra.get("last_error") else "")
            )
    return "\n".join(lines)


def _rounded(value: float | None, digits: int) -> float | None:
    if value is None or math.isnan(value):
        return None
    return round(value, digits)


def scenario_json(result: ScenarioResult) -> dict[str, Any]:
    """One scenario as the issue specifies it, plus what explains the figures."""
    s = result.summary
    data: dict[str, Any] = {
        "name": result.name,
        "p50_ms": _rounded(s.p50_ms, 2) if s else None,
        "p95_ms": _rounded(s.p95_ms, 2) if s else None,
        "p99_ms": _rounded(s.p99_ms, 2) if s else None,
        "rps": _rounded(s.rps, 1) if s else None,
        "queries": result.queries,
        "floor_ms": _rounded(result.floor_ms, 3),
        "label": result.label,
        "kind": result.kind,
        "requests": s.count if s else 0,
        "errors": s.errors if s else 0,
        "max_ms": _rounded(s.max_ms, 2) if s else None,
        "page_floor_ratio": _rounded(result.ratio, 2),
    }
    if result.error:
        data["error"] = result.error
    data.update(result.extra)
    return data


def bench_json(
    results: Sequence[ScenarioResult],
    budgets: Sequence[Budget],
    meta: dict[str, Any],
) -> dict[str, Any]:
    """The `--json` file: the run's settings, one object per scenario, the budgets."""
    return {
        **meta,
        "scenarios": [scenario_json(r) for r in results],
        "budgets": [
            {
                "label": b.label,
                "scenario": b.scenario,
                "measured": _rounded(b.measured, 2),
                "limit": b.limit,
                "unit": b.unit,
                "mark": b.mark,
            }
            for b in budgets
        ],
    }
