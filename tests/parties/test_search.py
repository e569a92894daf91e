"""Finding clients and contact persons: any case in any language on PostgreSQL and SQLite,
misspelled names on PostgreSQL, only what the actor may see, flat queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pult.core.search import has_trigram
from pult.parties import client_selectors as selectors
from pult.parties import client_services as services
from pult.parties.models import Client, Outlet
from pult.parties.selectors import outlet_page
from tests.conftest import login
from tests.parties.clients_fixtures import Base
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _client(base: Base, name: str) -> Client:
    return services.client_create(actor=base.manager, workspace=base.workspace, name=name)


def _names(base: Base, query: str) -> list[str]:
    page = selectors.client_page(actor=base.manager, workspace=base.workspace, query=query)
    return [c.name for c in page.rows]


def test_lowercase_russian_finds_a_capitalised_name(base: Base) -> None:
    _client(base, "Мегаполис")
    _client(base, "ООО «Тёплый Дом»")
    _client(base, "Северсталь")
    assert _names(base, "мегаполис") == ["Мегаполис"]
    assert _names(base, "МЕГАПОЛИС") == ["Мегаполис"]
    assert _names(base, "тёплый дом") == ["ООО «Тёплый Дом»"]
    assert _names(base, "ничего похожего") == []


def test_the_client_list_page_finds_lowercase_russian(base: Base, client: HttpClient) -> None:
    _client(base, "Мегаполис")
    _client(base, "Северсталь")
    login(client, base.viewer)
    page = client.get(reverse("parties:client_list"), {"q": "мегаполис"}).content.decode()
    assert "Мегаполис" in page and "Северсталь" not in page


def test_a_typo_finds_the_name_on_postgresql(base: Base) -> None:
    _client(base, "Мегаполис")
    _client(base, "Северсталь")
    if not has_trigram():
        # SQLite has no maintained typo matching (README): the word in any case only.
        assert _names(base, "Мегаполс") == []
        assert _names(base, "мЕГАПОЛИС") == ["Мегаполис"]
        return
    assert _names(base, "Мегаполс") == ["Мегаполис"]
    assert _names(base, "мегаплис") == ["Мегаполис"]


def test_contacts_are_found_in_any_case_only_by_who_sees_the_clients(base: Base) -> None:
    megapolis = _client(base, "Мегаполис")
    services.contact_add(
        actor=base.manager,
        workspace=base.workspace,
        client_id=megapolis.pk,
        full_name="Евгения Кузнецова",
        position="Главный инженер",
        emails="kuznetsova@megapolis.example",
    )

    def found(actor: Any, query: str) -> list[str]:
        contacts = selectors.contact_search(actor=actor, workspace=base.workspace, query=query)
        return [c.full_name for c in contacts]

    assert found(base.viewer, "кузнецова") == ["Евгения Кузнецова"]
    assert found(base.viewer, "главный инженер") == ["Евгения Кузнецова"]
    assert found(base.viewer, "KUZNETSOVA@") == ["Евгения Кузнецова"]
    assert found(base.viewer, "петрова") == []
    assert found(base.outsider, "кузнецова") == []
    assert (
        selectors.contact_search(
            actor=base.other_manager, workspace=base.other_workspace, query="кузнецова"
        )
        == []
    )


def test_the_searched_client_list_costs_the_same_at_any_size(
    base: Base, client: HttpClient, django_assert_max_num_queries: Any
) -> None:
    _client(base, "Мегаполис 0")
    login(client, base.viewer)
    url, params = reverse("parties:client_list"), {"q": "мегаполис"}
    client.get(url, params)  # warm the per-process caches
    with CaptureQueriesContext(connection) as small:
        client.get(url, params)
    for n in range(1, 30):
        _client(base, f"Мегаполис {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url, params).content.decode()
    assert "Мегаполис 29" in page


def test_outlets_are_found_by_a_lowercase_city(parties_desk: Desk) -> None:
    brand = parties_desk.outlet.brand
    Outlet.objects.create(workspace=parties_desk.workspace, brand=brand, city="Казань", number="41")
    page = outlet_page(actor=parties_desk.head, workspace=parties_desk.workspace, query="казань")
    assert [(o.city, o.number) for o in page.rows] == [("Казань", "41")]
    page = outlet_page(actor=parties_desk.head, workspace=parties_desk.workspace, query="казань 41")
    assert [o.number for o in page.rows] == ["41"]
