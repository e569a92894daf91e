"""The main HTML forms driven with arbitrary text, numbers and dates (hypothesis): never a
500 (the test client raises it), and a refusal writes nothing. Bounded so the whole file
runs in well under a minute."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pult.chat.models import Message
from pult.parties.models import Client as PartyClient
from pult.work.models import Item
from tests.conftest import login
from tests.work import test_stages
from tests.work.conftest import TASK, Desk
from tests.work.test_stages import Office

pytestmark = pytest.mark.django_db

office = test_stages.office  # the expertise-orders fixture, shared

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Form posts are UTF-8: every character but a lone surrogate can be sent; control
# characters, line breaks, right-to-left marks and emoji included.
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
number = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    text,
)
day = st.one_of(
    st.dates().map(lambda d: d.isoformat().rjust(10, "0")),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M").rjust(16, "0")),
    text,
)


def _written_only_if_accepted(response: Any, rows_before: int, rows_after: int) -> None:
    assert response.status_code in (200, 302, 400, 403), response.status_code
    if response.status_code == 302:
        assert rows_after <= rows_before + 1
    else:
        assert rows_after == rows_before


def _post(client: Client, url: str, data: dict[str, Any], rows: Callable[[], int]) -> Any:
    before = rows()
    response = client.post(url, data)
    _written_only_if_accepted(response, before, rows())
    return response


def test_filing_a_request(client: Client, desk: Desk) -> None:
    login(client, desk.applicant)

    @FUZZ
    @given(title=text, size=text, texts=text, material=text, outlet=number)
    def file(title: str, size: str, texts: str, material: str, outlet: str) -> None:
        form = {**TASK, "title": title, "size": size, "texts": texts, "outlet": outlet}
        if material:
            form["material_type"] = material
        _post(client, reverse("work:item_new"), form, Item.objects.count)

    file()


def test_a_client(client: Client, office: Office) -> None:
    login(client, office.manager)

    @FUZZ
    @given(name=text, activity=text, manager=number, next_contact=day)
    def create(name: str, activity: str, manager: str, next_contact: str) -> None:
        form = {
            "kind": "company",
            "name": name,
            "activity": activity,
            "manager": manager,
            "next_contact_at": next_contact,
        }
        _post(client, reverse("parties:client_new"), form, PartyClient.objects.count)

    create()


def test_a_message(client: Client, desk: Desk) -> None:
    item = desk.submit(title="Poster")
    login(client, desk.applicant)

    @FUZZ
    @given(body=text, internal=text)
    def post(body: str, internal: str) -> None:
        form = {"body": body, "internal": internal}
        _post(client, reverse("chat:post", args=[item.pk]), form, Message.objects.count)

    post()


def test_the_date_override(client: Client, desk: Desk) -> None:
    item = desk.submit(title="Poster")
    login(client, desk.head)

    @FUZZ
    @given(start=day, due=day, reason=text)
    def override(start: str, due: str, reason: str) -> None:
        before = Item.objects.values("start_at", "due_at").get(pk=item.pk)
        data = {"start_at": start, "due_at": due, "reason": reason}
        response = client.post(reverse("work:item_dates", args=[item.pk]), data)
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 400:
            assert Item.objects.values("start_at", "due_at").get(pk=item.pk) == before

    override()


def test_the_agendas_query_string(client: Client, desk: Desk) -> None:
    login(client, desk.head)

    @FUZZ
    @given(date=day, view=st.one_of(st.sampled_from(["day", "week", "month"]), text))
    def look(date: str, view: str) -> None:
        response = client.get(reverse("calendars:agenda"), {"date": date, "view": view})
        assert response.status_code == 200

    look()


def test_the_lists_query_string(client: Client, desk: Desk) -> None:
    desk.submit(title="Poster")
    login(client, desk.head)

    @FUZZ
    @given(outlet=number, assignee=number, since=day, q=text, cursor=number)
    def look(outlet: str, assignee: str, since: str, q: str, cursor: str) -> None:
        query = {
            "outlet": outlet,
            "assignee": assignee,
            "submitted_from": since,
            "due_to": since,
            "q": q,
            "after": cursor,
        }
        assert client.get(reverse("work:item_list"), query).status_code == 200

    look()
