"""The global search (/search/): every registered kind — clients, contact persons,
orders, requests, people, materials — found in any case and language, each through its
app's visibility; nothing of them for who may not see them; a flat number of queries."""

from __future__ import annotations

import ast
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

import pult.ui
from pult.access.models import Role, RolePermission
from pult.access.policies import forget_permissions
from pult.accounts.models import User
from pult.core.search import has_trigram
from pult.documents import services as documents
from pult.documents.models import MaterialCategory
from pult.documents.selectors import material_page
from pult.parties import client_services as parties
from pult.parties.models import Client as Company
from pult.parties.permissions import MANAGE_CLIENTS, VIEW_CLIENTS
from pult.ui import search_registry
from pult.work import services as work
from pult.work.models import Item
from tests.conftest import login
from tests.factories import make_member, make_workspace
from tests.work.conftest import TASK, Desk, desk  # noqa: F401  (the fixture, shared)

pytestmark = pytest.mark.django_db

KINDS = ["clients", "contacts", "orders", "requests", "people", "materials"]


@dataclass
class World:
    desk: Desk
    company: Company
    order: Item
    request: Item
    person: User
    category: MaterialCategory


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def _company(world_desk: Desk, name: str) -> Company:
    return parties.client_create(actor=world_desk.head, workspace=world_desk.workspace, name=name)


def _order(world_desk: Desk, company: Company, title: str) -> Item:
    return work.work_item_submit(
        actor=world_desk.head,
        workspace=world_desk.workspace,
        item_type_key="design-request",
        title=title,
        values=TASK,
        client=company,
    )


def _contact(world_desk: Desk, company: Company, name: str) -> None:
    parties.contact_add(
        actor=world_desk.head,
        workspace=world_desk.workspace,
        client_id=company.pk,
        full_name=name,
        phones="+7 843 200-00-00",
    )


def _material(world_desk: Desk, category: MaterialCategory, title: str) -> None:
    documents.material_add(
        actor=world_desk.designer,
        workspace=world_desk.workspace,
        title=title,
        category_id=category.pk,
        upload=_png(),
    )


def _person(world_desk: Desk, name: str) -> User:
    role = Role.objects.get(workspace=world_desk.workspace, name="Designer")
    return make_member(world_desk.workspace, roles=[role], full_name=name)


@pytest.fixture
def world(desk: Desk) -> World:  # noqa: F811
    """The design desk with the client base given to its head, and one of every kind."""
    role = Role.objects.get(workspace=desk.workspace, name="Marketing head")
    for code in (VIEW_CLIENTS, MANAGE_CLIENTS):
        RolePermission.objects.get_or_create(role=role, code=code)
    forget_permissions(desk.head)
    desk.outlet.members.add(desk.head)  # the kind asks its requesters for an outlet
    company = _company(desk, "ООО Мегаполис")
    _contact(desk, company, "Евгения Кузнецова")
    category = documents.material_category_create(
        actor=desk.head, workspace=desk.workspace, name="Логотипы"
    )
    _material(desk, category, "Логотип Гармония")
    return World(
        desk=desk,
        company=company,
        order=_order(desk, company, "Экспертиза склада"),
        request=desk.submit(title="Баннер Ласточка"),
        person=_person(desk, "Зинаида Звонарёва"),
        category=category,
    )


def _sections(client: Client, query: str) -> dict[str, str]:
    """The result sections of the page, by kind: {kind: its markup}."""
    response = client.get(reverse("ui:search"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    return dict(re.findall(r'<section data-search-kind="([a-z]+)".*?>(.*?)</section>', html, re.S))


def test_every_kind_is_found_by_lowercase_russian(client: Client, world: World) -> None:
    login(client, world.desk.head)
    found = _sections(client, "мегаполис")
    assert "ООО Мегаполис" in found["clients"]
    assert world.order.reference in found["orders"]  # through its client's name
    assert "Евгения Кузнецова" in _sections(client, "кузнецова")["contacts"]
    assert world.order.reference in _sections(client, "склада")["orders"]
    requests = _sections(client, "ласточка")
    assert world.request.reference in requests["requests"] and "orders" not in requests
    assert "Зинаида Звонарёва" in _sections(client, "звонарёва")["people"]
    assert "Логотип Гармония" in _sections(client, "гармония")["materials"]
    assert _sections(client, "ничего похожего") == {}


def test_a_typo_finds_clients_requests_and_materials_on_postgresql(
    client: Client, world: World
) -> None:
    login(client, world.desk.head)
    if not has_trigram():
        # SQLite has no maintained typo matching (README): a typo finds nothing there.
        assert "clients" not in _sections(client, "Мегаполс")
        return
    assert "ООО Мегаполис" in _sections(client, "Мегаполс")["clients"]
    assert world.request.reference in _sections(client, "Ласточкка")["requests"]
    assert "Логотип Гармония" in _sections(client, "Гармоня")["materials"]
    page = material_page(actor=world.desk.head, workspace=world.desk.workspace, query="гармоня")
    assert [m.title for m in page.rows] == ["Логотип Гармония"]


QUERIES = ["мегаполис", "кузнецова", "склада", "ласточка", "звонарёва", "гармония"]


def test_a_member_who_may_not_see_them_finds_none_of_them(client: Client, world: World) -> None:
    # An applicant of another outlet: no client base, no directory, not their requests.
    login(client, world.desk.stranger)
    for query in QUERIES:
        found = _sections(client, query)
        # Ready materials are open to every member of the workspace (documents' policy).
        assert set(found) <= {"materials"}, (query, found)
    assert "Логотип Гармония" in _sections(client, "гармония")["materials"]


def test_a_member_of_another_workspace_finds_none_of_them(client: Client, world: World) -> None:
    other, _admin = make_workspace("Elsewhere")
    everything = list(Role.objects.filter(workspace=other))
    login(client, make_member(other, roles=everything))
    for query in QUERIES:
        assert _sections(client, query) == {}, query


def test_the_page_costs_the_same_at_any_size(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    the_desk = world.desk
    query = "поиск"

    def one_of_each(n: int) -> None:
        company = _company(the_desk, f"Поиск {n}")
        _contact(the_desk, company, f"Поисков {n}")
        _order(the_desk, company, f"Заказ {n}")
        the_desk.submit(title=f"Поиск {n}")
        _person(the_desk, f"Поисковая {n}")
        _material(the_desk, world.category, f"Поиск {n}")

    one_of_each(0)
    login(client, the_desk.head)
    assert set(_sections(client, query)) == set(KINDS)  # and warms the caches
    with CaptureQueriesContext(connection) as small:
        _sections(client, query)
    for n in range(1, search_registry.PER_KIND + 2):
        one_of_each(n)
    with django_assert_max_num_queries(len(small.captured_queries)):
        found = _sections(client, query)
    assert set(found) == set(KINDS)
    # A bounded number of hits per kind, and a way to the rest where a list has them.
    assert found["clients"].count("<tr>") == search_registry.PER_KIND
    assert reverse("parties:client_list") + "?q=" in found["clients"]


def test_the_page_draws_whatever_is_registered(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert [s.key for s in search_registry.search_sources()] == KINDS

    def find(actor: User, workspace: Any, query: str, limit: int) -> list[Any]:
        return [search_registry.SearchHit(url="/elsewhere/", label=f"Echo {query}")]

    monkeypatch.setattr(search_registry, "_SOURCES", dict(search_registry._SOURCES))
    search_registry.register_search_source("echo", "Echoes", find, position=1)
    login(client, world.desk.head)
    found = _sections(client, "ласточка")
    assert list(found)[:2] == ["echo", "requests"]
    assert "Echo ласточка" in found["echo"]


def test_the_ui_app_imports_no_domain_app() -> None:
    domain = ("pult.parties", "pult.work", "pult.documents", "pult.chat", "pult.reports")
    for name in ("views.py", "search_registry.py", "people_search.py"):
        tree = ast.parse((Path(pult.ui.__file__).parent / name).read_text())
        imported = [
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        ] + [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        assert not [m for m in imported if m.startswith(domain)], name
