"""The figures of the statistics, on the known history of tests/reports/conftest.py."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from pult.reports import live, selectors
from pult.reports.figures import Period, Share, StatsFilters, default_period
from pult.work.models import ItemType
from tests.reports.conftest import History, grant_statistics

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2025, 1, 6), date(2025, 2, 2))


def _filters(history: History, **changes: Any) -> StatsFilters:
    item_type = ItemType.objects.get(workspace=history.desk.workspace, key="design-request")
    return StatsFilters(**{"item_type": item_type, "period": PERIOD, **changes})


def _scope(history: History, actor: Any = None, **changes: Any) -> dict[str, Any]:
    return {
        "actor": actor or history.head,
        "workspace": history.desk.workspace,
        "filters": _filters(history, **changes),
    }


def test_summary_and_sla_compliance(history: History) -> None:
    summary = selectors.summary_get(**_scope(history))
    assert (summary.filed, summary.done, summary.open_now, summary.overdue_now) == (7, 4, 3, 1)
    # Lead times 10, 24, 48, 72 hours: the median is 36 hours.
    assert summary.median_lead == timedelta(hours=36)
    assert summary.finished_on_time == Share(3, 4)  # B finished late
    assert summary.started_on_time == Share(5, 6)  # B started late; G not started


def test_counts_per_status_in_pipeline_order_with_zeros(history: History) -> None:
    counts = live.status_counts(**_scope(history))
    assert [(c.status.key, c.count) for c in counts] == [
        ("new", 1),
        ("in_progress", 2),
        ("clarification", 0),
        ("revision", 0),
        ("completed", 1),
        ("closed", 3),
    ]
    assert counts[0].status.colour == "info" and counts[0].status.icon == "inbox-arrow-down"


def test_per_specialist(history: History) -> None:
    rows = {r.name: r for r in live.specialist_stats(**_scope(history))}
    assert set(rows) == {"Dima Designer", "Dasha Designer"}
    dima, dasha = rows["Dima Designer"], rows["Dasha Designer"]
    assert (dima.done, dima.open_now, dima.median_lead) == (3, 1, timedelta(hours=48))
    assert dima.overdue == Share(2, 4)  # B done late, D open past due
    assert (dasha.done, dasha.open_now, dasha.median_lead) == (1, 1, timedelta(hours=10))
    assert dasha.overdue == Share(0, 2)
    assert dima.user_id == history.desk.designer.pk


def test_per_brand_and_city(history: History) -> None:
    brands = [
        (g.label, g.filed, g.done, g.overdue) for g in selectors.brand_stats(**_scope(history))
    ]
    assert brands == [("Pizza Bella", 6, 4, 2), ("Burger Bro", 1, 0, 0)]
    cities = [
        (g.label, g.filed, g.done, g.overdue) for g in selectors.city_stats(**_scope(history))
    ]
    assert cities == [("Kazan", 6, 4, 2), ("Perm", 1, 0, 0)]


def test_groups_are_cut_to_the_top(history: History) -> None:
    rows = selectors.city_stats(**_scope(history), limit=1)
    assert [g.label for g in rows] == ["Kazan"]


def test_weekly_trend_covers_every_week(history: History) -> None:
    weeks = selectors.weekly_trend(**_scope(history))
    assert [(w.week_start, w.iso_week, w.filed, w.done) for w in weeks] == [
        (date(2025, 1, 6), 2, 1, 1),
        (date(2025, 1, 13), 3, 2, 2),
        (date(2025, 1, 20), 4, 1, 1),
        (date(2025, 1, 27), 5, 3, 0),
    ]


def test_brand_and_city_filters(history: History) -> None:
    burger = selectors.summary_get(**_scope(history, brand=history.burger))
    assert (burger.filed, burger.done, burger.open_now) == (1, 0, 1)
    perm = selectors.summary_get(**_scope(history, city="Perm"))
    assert (perm.filed, perm.done, perm.open_now) == (1, 0, 1)


def test_the_period_bounds_the_flows_not_the_open_items(history: History) -> None:
    week_three = Period(date(2025, 1, 13), date(2025, 1, 19))
    summary = selectors.summary_get(**_scope(history, period=week_three))
    assert (summary.filed, summary.done, summary.open_now) == (2, 2, 3)
    assert summary.median_lead == timedelta(hours=29)  # B 48 h, E 10 h


def test_figures_cover_only_what_the_actor_may_see(history: History) -> None:
    # A stranger allowed to see statistics still sees only their own outlet's item.
    grant_statistics(history.desk, "Applicant")
    summary = selectors.summary_get(**_scope(history, actor=history.desk.stranger))
    assert (summary.filed, summary.done, summary.open_now) == (1, 0, 1)
    assert live.specialist_stats(**_scope(history, actor=history.desk.stranger)) == []


def test_python_median_matches_the_database(history: History, monkeypatch: Any) -> None:
    """SQLite has no percentile_cont: the Python fallback gives the same figures."""
    in_db = selectors.statistics_get(**_scope(history))
    monkeypatch.setattr(live, "median_in_database", lambda: False)
    in_python = selectors.statistics_get(**_scope(history))
    assert in_python.summary == in_db.summary
    assert in_python.specialists == in_db.specialists


def test_default_period_is_twelve_iso_weeks() -> None:
    period = default_period(date(2025, 3, 19))  # a Wednesday
    assert period == Period(date(2024, 12, 30), date(2025, 3, 19))
    assert len(period.weeks()) == 12 and period.weeks()[0].weekday() == 0
