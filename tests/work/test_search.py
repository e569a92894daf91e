"""The request list's find box: any case in any language (PostgreSQL and SQLite), typos
forgiven on PostgreSQL, the requester's name and the outlet's city or number; the
requester and outlet filters reachable from the rows; flat queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pult.access.models import Role
from pult.accounts.models import User
from pult.core.search import has_trigram
from pult.parties.models import Outlet
from pult.work import services
from pult.work.filters import ItemFilter
from pult.work.models import Item
from pult.work.selectors import item_list
from tests.conftest import login
from tests.factories import make_member
from tests.work.conftest import TASK, Desk

pytestmark = pytest.mark.django_db


def _found(desk: Desk, q: str, actor: User | None = None) -> set[int]:
    page = item_list(
        actor=actor or desk.head, workspace=desk.workspace, flt=ItemFilter(q=q), cursor=None
    )
    return {item.pk for item in page.rows}


def _applicant(desk: Desk, name: str, outlet: Outlet) -> User:
    role = Role.objects.get(workspace=desk.workspace, name="Applicant")
    person = make_member(desk.workspace, roles=[role], full_name=name)
    outlet.members.add(person)
    return person


def _list(client: Client, **params: Any) -> str:
    response = client.get(reverse("work:item_list"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_lowercase_russian_finds_a_capitalised_title_and_task_text(desk: Desk) -> None:
    poster = desk.submit(title="Плакат для Теплодом")
    banner = desk.submit(title="Banner", texts="Скидки в ТЦ Ласточка")
    desk.submit(title="Меню на лето")
    assert _found(desk, "теплодом") == {poster.pk}
    assert _found(desk, "ТЕПЛОДОМ") == {poster.pk}
    assert _found(desk, "ласточка") == {banner.pk}
    assert _found(desk, "совсем другое") == set()


def test_the_list_page_finds_lowercase_russian(client: Client, desk: Desk) -> None:
    poster = desk.submit(title="Плакат для Теплодом")
    other = desk.submit(title="Меню на лето")
    login(client, desk.head)
    page = _list(client, q="теплодом")
    assert poster.reference in page and other.reference not in page


def test_a_typo_finds_the_title_on_postgresql(desk: Desk) -> None:
    banner = desk.submit(title="Баннер Мегаполис")
    desk.submit(title="Меню на лето")
    if not has_trigram():
        # SQLite has no maintained typo matching (README): the word in any case only.
        assert _found(desk, "Мегаполс") == set()
        assert _found(desk, "мЕГАПОЛИС") == {banner.pk}
        return
    assert _found(desk, "Мегаполс") == {banner.pk}
    assert _found(desk, "мегаплис") == {banner.pk}


def test_q_finds_by_the_requesters_name_and_the_outlets_city_or_number(desk: Desk) -> None:
    brand = desk.outlet.brand
    kazan = Outlet.objects.create(workspace=desk.workspace, brand=brand, city="Казань", number="41")
    perm = Outlet.objects.create(workspace=desk.workspace, brand=brand, city="Пермь", number="42")
    zina = _applicant(desk, "Зинаида Заявкина", kazan)
    petr = _applicant(desk, "Пётр Пермяков", perm)

    def file(person: User, outlet: Outlet) -> Item:
        return services.work_item_submit(
            actor=person,
            workspace=desk.workspace,
            item_type_key="design-request",
            title="Плакат",
            values=TASK,
            outlet=outlet,
        )

    by_zina, by_petr = file(zina, kazan), file(petr, perm)
    assert _found(desk, "заявкина") == {by_zina.pk}
    assert _found(desk, "зинаида заявкина") == {by_zina.pk}
    assert _found(desk, "казань") == {by_zina.pk}
    assert _found(desk, "№42") == {by_petr.pk}
    assert _found(desk, "№ 41") == {by_zina.pk}
    # A bare number stays a request's number, not every request of outlet №41.
    assert by_zina.pk not in _found(desk, "41")
    # The find box never widens what the actor sees: the stranger finds nothing of these.
    assert _found(desk, "заявкина", actor=desk.stranger) == set()


def test_rows_link_to_the_list_filtered_by_requester_and_outlet(client: Client, desk: Desk) -> None:
    mine = desk.submit()
    theirs = desk.submit(applicant=desk.stranger)
    login(client, desk.head)
    page = _list(client)
    requester_link = f"requester={desk.applicant.pk}"
    outlet_link = f"outlet={desk.outlet.pk}"
    assert requester_link in page and outlet_link in page

    by_requester = _list(client, requester=desk.applicant.pk)
    assert mine.reference in by_requester and theirs.reference not in by_requester
    # The filter shows whom it is for, as a ticked box that unticked removes it.
    assert "data-filter-chips" in by_requester
    assert f'name="requester" value="{desk.applicant.pk}" checked' in by_requester
    assert desk.applicant.full_name in by_requester

    by_outlet = _list(client, outlet=desk.other_outlet.pk)
    assert theirs.reference in by_outlet and mine.reference not in by_outlet
    assert f'name="outlet" value="{desk.other_outlet.pk}" checked' in by_outlet
    assert "Perm, №7" in by_outlet


def test_a_filter_link_never_reveals_a_name_the_actor_cannot_see(
    client: Client, desk: Desk
) -> None:
    desk.submit(applicant=desk.stranger)
    login(client, desk.applicant)
    page = _list(client, requester=desk.stranger.pk, outlet=desk.other_outlet.pk)
    assert desk.stranger.full_name not in page and "Perm, №7" not in page


def test_the_searched_list_costs_the_same_at_any_size(
    client: Client, desk: Desk, django_assert_max_num_queries: Any
) -> None:
    for _ in range(2):
        desk.submit(title="Плакат для Теплодом")
    login(client, desk.head)
    params = {"q": "теплодом"}
    _list(client, **params)  # warm the per-process caches
    with CaptureQueriesContext(connection) as small:
        _list(client, **params)
    for _ in range(12):
        desk.submit(title="Плакат для Теплодом")
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = _list(client, **params)
    assert page.count("data-filter-requester") == 14
