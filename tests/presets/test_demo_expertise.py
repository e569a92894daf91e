"""Demo data of the expertise-orders preset: clients, contracts and orders in every
status, made through the real services; named logins; idempotent."""

from __future__ import annotations

import pytest

from pult.accounts.models import User, Workspace
from pult.parties.models import Client, ClientStatus, ContactPerson, Contract
from pult.presets import demo_expertise_orders as demo
from pult.presets.demo import DEMOS, describe_demo
from pult.presets.services import preset_load
from pult.work.models import Item, SignOff


@pytest.fixture
def orders(db: None) -> Workspace:
    workspace = preset_load("expertise-orders", slug="expertise-orders")
    summary = DEMOS["expertise-orders"](workspace)
    assert summary.created
    assert "manager@pult.demo" in describe_demo(summary)
    return workspace


def test_clients_contracts_and_orders_in_every_status(orders: Workspace) -> None:
    clients = Client.objects.filter(workspace=orders)
    assert clients.count() >= 50
    assert clients.filter(status=ClientStatus.REFUSED).exists()
    assert clients.filter(archived_at__isnull=False).exists()
    assert clients.filter(next_contact_at__isnull=False).exists()
    assert ContactPerson.objects.filter(workspace=orders).count() >= clients.count()
    contracts = Contract.objects.filter(workspace=orders)
    assert contracts.count() >= 40
    assert contracts.filter(number__regex=r"^Д-\d{4}/\d{3}$").count() == contracts.count()
    items = Item.objects.filter(workspace=orders)
    assert set(items.values_list("status__key", flat=True)) == {
        "prospect",
        "confirmed",
        "refused",
        "in_work",
        "archived",
    }
    assert not items.filter(client__isnull=True).exists()
    assert not items.filter(manager__isnull=True).exists()


def test_sign_offs_are_real_and_some_order_has_every_stage(orders: Workspace) -> None:
    stages = set(demo.STAGES)
    signed_keys = set(
        SignOff.objects.filter(item__workspace=orders).values_list("stage__key", flat=True)
    )
    assert signed_keys == stages
    full = [
        item
        for item in Item.objects.filter(workspace=orders, status__key="archived")
        if set(item.signoffs.values_list("stage__key", flat=True)) == stages
    ]
    assert full
    item = full[0]
    assert item.values["contract_percent"]  # computed from the contract sum
    signer = SignOff.objects.get(item=item, stage__key="finance").user
    assert signer.email == demo.FINANCE.email


def test_named_logins_authenticate(orders: Workspace) -> None:
    for login in demo.LOGINS:
        user = User.objects.get(email=login.email)
        assert user.is_active and user.check_password(login.password), login
        assert user.full_name and user.phone and user.position, login


def test_running_twice_changes_nothing(orders: Workspace) -> None:
    counts = (
        Client.objects.count(),
        Contract.objects.count(),
        Item.objects.count(),
        SignOff.objects.count(),
    )
    again = demo.expertise_orders_demo(orders)
    assert not again.created
    assert "already there" in describe_demo(again)
    assert counts == (
        Client.objects.count(),
        Contract.objects.count(),
        Item.objects.count(),
        SignOff.objects.count(),
    )
