"""Parties' cards draw what the apps above register (`pult.parties.panels`), and its
policies and selectors ask what the engine registered (`pult.parties.registry`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from pult.parties import registry
from pult.parties.panels import client_panels, outlet_panels, specialist_panels
from pult.parties.permissions import VIEW_CLIENTS
from pult.parties.policies import can_file_for_any_outlet, can_view_parties
from pult.work.permissions import MANAGE, TAKE, VIEW_ALL
from tests.conftest import login
from tests.factories import make_member, make_workspace
from tests.work import test_stages
from tests.work.test_stages import Office

pytestmark = pytest.mark.django_db
office = test_stages.office  # the expertise-orders (P2) fixture, shared


@pytest.fixture
def sample_panel() -> Iterator[list[str]]:
    asked: list[str] = []

    def sample(request: Any, client: Any) -> dict[str, Any]:
        asked.append(client.name)
        return {"title": f"Sample panel of {client.name}", "hint": request.user.full_name}

    client_panels.register("tests.sample", template="ui/_empty.html", context=sample, where="side")
    client_panels.register(
        "tests.silent", template="tests/no-such-template.html", context=lambda r, c: None
    )
    yield asked
    client_panels.unregister("tests.sample")
    client_panels.unregister("tests.silent")


def test_a_panel_another_app_registers_shows_on_the_client_card(
    office: Office, client: HttpClient, sample_panel: list[str]
) -> None:
    order = office.order()
    company = office.contract.client
    login(client, office.manager)
    html = client.get(reverse("parties:client_detail", args=[company.pk])).content.decode()
    assert sample_panel == [company.name]
    start = html.index("<aside>")  # the page's side column (the menu's is <aside class=…>)
    aside = html[start : html.index("</aside>", start)]
    assert f"Sample panel of {company.name}" in aside and office.manager.full_name in aside
    # The orders app's panel: the client's orders, in the main column after the contracts.
    main = html[: html.index("<aside>")]
    assert main.index("contracts-title") < main.index("orders-title")
    assert f'data-order="{order.pk}"' in main and order.reference in main


def test_the_cards_draw_what_orders_and_work_register() -> None:
    assert "orders.client_orders" in [p.key for p in client_panels.panels()]
    assert [(p.key, p.where) for p in outlet_panels.panels() if p.key.startswith("work.")] == [
        ("work.all_items", "head"),
        ("work.recent_items", "main"),
    ]
    assert "work.items_in_work" in [p.key for p in specialist_panels.panels()]


def test_the_engine_tells_parties_who_sees_files_and_works() -> None:
    assert registry.parties_viewers() == (VIEW_ALL, MANAGE)
    assert registry.any_outlet_filers() == (MANAGE,)
    assert registry.specialist_permissions() == (TAKE,)
    assert "work.open_items" in registry.specialist_loads()
    assert "work.skill_fields" in registry.skill_sources()


def test_the_policies_ask_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    workspace, _admin = make_workspace("Registry")
    reader = make_member(workspace, [VIEW_CLIENTS])
    assert not can_view_parties(reader, workspace)
    assert not can_file_for_any_outlet(reader, workspace)
    monkeypatch.setattr(registry, "_parties_viewers", [*registry.parties_viewers(), VIEW_CLIENTS])
    monkeypatch.setattr(registry, "_any_outlet_filers", [VIEW_CLIENTS])
    assert can_view_parties(reader, workspace)
    assert can_file_for_any_outlet(reader, workspace)
