"""Two members may share a name (namesakes, or someone who took a colleague's name):
wherever a person is chosen, each namesake carries their e-mail."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pult.accounts.selectors import Person, people_for_choice
from tests.conftest import login
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def test_only_namesakes_carry_their_email() -> None:
    rows = [(1, "Dima Designer", "d1@x.test"), (2, "dima designer", "d2@x.test"), (3, "Ann", "a@x")]
    assert people_for_choice(rows) == [
        Person(1, "Dima Designer (d1@x.test)"),
        Person(2, "dima designer (d2@x.test)"),
        Person(3, "Ann"),
    ]


def test_a_designer_taking_a_colleagues_name_is_told_apart(client: Client, desk: Desk) -> None:
    login(client, desk.designer2)
    renamed = client.post(
        reverse("accounts:profile"),
        {"full_name": desk.designer.full_name, "time_zone": "Europe/Moscow"},
    )
    assert renamed.status_code == 302
    item = desk.submit(title="Poster")
    client.logout()
    login(client, desk.head)
    page = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assert f"Dima Designer ({desk.designer.email})" in page
    assert f"Dima Designer ({desk.designer2.email})" in page
    listed = client.get(reverse("work:item_list")).content.decode()
    assert f"Dima Designer ({desk.designer2.email})" in listed
