"""Numbers past 64 bits and days at the ends of the calendar, in query strings, paths and
forms: a page or a clear refusal, never a 500, and nothing changed."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from pult.core.params import day_or_none, id_or_none, parse_day
from pult.work.models import Item
from tests.conftest import login
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db

HUGE = ("99999999999999999999", "9223372036854775808", "-10000000000000000000000", "1e9", "")


@pytest.mark.parametrize("raw", HUGE)
def test_ids_past_64_bits_are_no_ids(raw: str) -> None:
    assert id_or_none(raw) is None


def test_the_days_pult_works_with() -> None:
    assert day_or_none("2026-12-07") == datetime.date(2026, 12, 7)
    for raw in ("9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01", "2026-02-30", "x"):
        assert day_or_none(raw) is None, raw
    with pytest.raises(ValueError, match="between 1900 and 2999"):
        parse_day("9999-12-31")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_day("31.12.2026")


@pytest.mark.parametrize("name", ["outlet", "requester", "assignee", "brand", "item_type"])
@pytest.mark.parametrize("raw", HUGE[:3])
def test_list_filters_refuse_huge_ids(client: Client, desk: Desk, name: str, raw: str) -> None:
    desk.submit(title="Poster")
    login(client, desk.head)
    page = client.get(reverse("work:item_list"), {name: raw})
    assert page.status_code == 200
    assert "Choose from the list." in page.content.decode()


@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01"])
def test_list_date_filters_at_the_ends_of_the_calendar(
    client: Client, desk: Desk, raw: str
) -> None:
    login(client, desk.head)
    for name in ("submitted_from", "due_to", "closed_to"):
        page = client.get(reverse("work:item_list"), {name: raw})
        assert page.status_code == 200
        assert "between 1900 and 2999" in page.content.decode()


@pytest.mark.parametrize("view", ["day", "week", "month"])
@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "9999-12-25", "0001-01-07"])
def test_the_agenda_at_the_ends_of_the_calendar(
    client: Client, desk: Desk, view: str, raw: str
) -> None:
    login(client, desk.head)
    page = client.get(reverse("calendars:agenda"), {"view": view, "date": raw})
    assert page.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/items/99999999999999999999/",
        "/files/99999999999999999999/",
        "/clients/99999999999999999999/",
    ],
)
def test_ids_past_64_bits_in_paths_are_not_found(client: Client, desk: Desk, path: str) -> None:
    login(client, desk.head)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59"])
@pytest.mark.parametrize("field", ["start_at", "due_at"])
def test_the_date_override_refuses_the_ends_of_the_calendar(
    client: Client, desk: Desk, moment: str, field: str
) -> None:
    item = desk.submit(title="Poster")
    before = Item.objects.values("start_at", "due_at").get(pk=item.pk)
    login(client, desk.head)
    response = client.post(
        reverse("work:item_dates", args=[item.pk]), {field: moment, "reason": "Because"}
    )
    assert response.status_code == 400
    assert "between 1900 and 2999" in response.content.decode()
    assert Item.objects.values("start_at", "due_at").get(pk=item.pk) == before


def test_forbidden_posts_answer_403_with_the_refusal(client: Client, desk: Desk) -> None:
    item = desk.submit(title="Poster")
    before = Item.objects.values("urgent_at", "start_at", "due_at").get(pk=item.pk)
    for user in (desk.applicant, desk.designer):
        login(client, user)
        posts = {
            reverse("work:item_urgent", args=[item.pk]): ({"urgent": "1"}, "marks requests urgent"),
            reverse("work:item_assign", args=[item.pk]): (
                {"assignee": desk.designer.pk},
                "assigns requests",
            ),
            reverse("work:item_dates", args=[item.pk]): (
                {"due_at": "2027-01-10T10:00", "reason": "Because"},
                "changes dates",
            ),
            reverse("desk:auto_assign"): ({"enabled": "1"}, "automatic assignment"),
        }
        for url, (data, refusal) in posts.items():
            response = client.post(url, data)
            assert response.status_code == 403, (user, url)
            assert refusal in response.content.decode(), (user, url)
        client.logout()
    assert Item.objects.values("urgent_at", "start_at", "due_at").get(pk=item.pk) == before
    item.refresh_from_db()
    assert not item.assignees.exists()
