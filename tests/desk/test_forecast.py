"""The expected start of a queued item: the desk's pace over the last four weeks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pult.calendars.selectors import default_calendar
from pult.calendars.services import calendar_create_default
from pult.desk.forecast import desk_pace
from pult.work.models import Item
from tests.work.conftest import Desk


def _with_calendar(desk: Desk) -> None:
    if default_calendar(desk.workspace) is None:
        year = timezone.now().year
        calendar_create_default(workspace=desk.workspace, years=(year - 1, year, year + 1))


def test_the_pace_counts_items_started_in_the_last_four_weeks(desk: Desk) -> None:
    _with_calendar(desk)
    items = [desk.submit(title=f"Poster {n}") for n in range(4)]
    now = timezone.now()
    Item.objects.filter(pk__in=[items[0].pk, items[1].pk]).update(
        started_at=now - timedelta(days=2)
    )
    Item.objects.filter(pk=items[2].pk).update(started_at=now - timedelta(days=40))
    pace = desk_pace(desk.workspace, items[0].item_type_id)
    hours_per_item = 1 / pace.per_hour

    # The four-week count is cached: one more start moves it only once the cache expires.
    Item.objects.filter(pk=items[3].pk).update(started_at=now - timedelta(hours=1))
    # (The window's working hours grow with `now` during office hours: compare closely.)
    cached = desk_pace(desk.workspace, items[0].item_type_id)
    assert cached.per_hour == pytest.approx(pace.per_hour, rel=1e-3)
    cache.clear()
    faster = desk_pace(desk.workspace, items[0].item_type_id)
    # Three starts instead of two (the window's working hours move a little with now).
    assert 1 / faster.per_hour == pytest.approx(hours_per_item * 2 / 3, rel=0.02)
    assert faster.expected_start(3) is not None
    assert faster.expected_start(3) > faster.expected_start(0)  # type: ignore[operator]


def test_a_queued_item_page_shows_its_expected_start(desk: Desk) -> None:
    _with_calendar(desk)
    item = desk.submit()
    client = Client()
    client.force_login(desk.applicant)
    page = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assert "Expected start" in page
