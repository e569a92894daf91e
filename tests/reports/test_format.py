"""Figures written in the reader's language: each filter, and the specialists' rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from pult.reports.figures import Share, SpecialistRow
from pult.reports.templatetags import reports_format

ROW = SpecialistRow(
    user_id=12345,
    name="Ann <Admin>",
    done=12345,
    open_now=1000,
    median_lead=timedelta(hours=5, minutes=30),
    overdue=Share(1240, 2000),
)
IDLE = SpecialistRow(
    user_id=7, name="Bob", done=0, open_now=0, median_lead=None, overdue=Share(0, 0)
)


@pytest.mark.parametrize(
    ("language", "busy", "days"),
    [
        (
            "en",
            {"done": "12,345", "open_now": "1,000", "median_lead": "5.5 h"},
            {"overdue": "62%", "overdue_part": "1,240", "median_lead": "3.2 days"},
        ),
        (
            "ru",
            {"done": "12\u00a0345", "open_now": "1\u00a0000", "median_lead": "5,5 ч"},
            {"overdue": "62\u00a0%", "overdue_part": "1\u00a0240", "median_lead": "3,2 дн."},
        ),
    ],
)
def test_specialist_rows_are_written_as_each_figure_alone(
    language: str, busy: dict[str, str], days: dict[str, str]
) -> None:
    in_days = SpecialistRow(**{**ROW.__dict__, "median_lead": timedelta(days=3, hours=5)})
    with translation.override(language):
        busy_row, idle_row, days_row = reports_format.specialist_figures([ROW, IDLE, in_days])
        # The same text as the filters give one figure at a time.
        assert busy_row["done"] == reports_format.grouped(ROW.done)
        assert busy_row["median_lead"] == reports_format.lead_time(ROW.median_lead)
        assert busy_row["overdue"] == reports_format.percent(ROW.overdue)
    assert busy_row["user_id"] == "12345"  # an id, never grouped
    assert busy_row["name"] == "Ann <Admin>"  # escaped by the template, not here
    assert {k: busy_row[k] for k in busy} == busy
    assert {k: days_row[k] for k in days} == days
    assert idle_row == {
        "user_id": "7",
        "name": "Bob",
        "done": "0",
        "open_now": "0",
        "median_lead": "—",
        "overdue": "—",
        "overdue_part": "0",
    }


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (Share(2, 3), "67%"),  # 66.67: rounded, not cut
        (Share(1, 3), "33%"),
        (Share(1, 200), "1%"),  # 0.5: half up
        (Share(1999, 2000), "100%"),  # 99.95
        (Share(0, 5), "0%"),
    ],
)
def test_percentages_are_rounded(share: Share, shown: str) -> None:
    with translation.override("en"):
        assert reports_format.percent(share) == shown
