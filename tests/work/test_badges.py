"""The status and urgent badges that lists show on every row, memoised per process: the
same markup as the templates they stand for, in the reader's language, escaped."""

from __future__ import annotations

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from pult.work.models import Status
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db

_BADGES = engines["django"].from_string(
    "{% load work_badges %}{% status_badge status %}|{% urgent_badge urgent_at %}"
)


def _badges(status: Status, urgent_at: object) -> tuple[str, str]:
    status_html, urgent_html = _BADGES.render({"status": status, "urgent_at": urgent_at}).split("|")
    return status_html, urgent_html


def test_badges_are_the_templates_markup_in_the_readers_language(desk: Desk) -> None:
    status = Status.objects.filter(item_type__workspace=desk.workspace).first()
    assert status is not None
    status.name_en, status.name_ru = "Done <b>now</b>", "Готово"
    status.save(update_fields=["name_en", "name_ru"])
    for language, name, urgent in (
        ("en", "Done &lt;b&gt;now&lt;/b&gt;", "Urgent"),
        ("ru", "Готово", "Срочно"),
    ):
        with translation.override(language):
            status_html, urgent_html = _badges(status, urgent_at="2025-01-06")
            assert status_html == render_to_string("work/_status.html", {"status": status})
            assert name in status_html and "<b>" not in status_html
            assert status_html == _badges(status, urgent_at=None)[0]  # from the memo
            assert urgent_html == render_to_string(
                "work/_urgent.html", {"item": {"urgent_at": True}}
            )
            assert urgent in urgent_html
    # Renamed: the memo is keyed by what the badge shows, so the new name is shown.
    status.name_en = "Finished"
    with translation.override("en"):
        assert "Finished" in _badges(status, urgent_at=None)[0]
        assert _badges(status, urgent_at=None)[1] == ""
