"""Staged, signed-off orders (the P2 expertise-orders preset) on the work engine."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from pult.access.models import Role
from pult.accounts.models import User, Workspace
from pult.activity.models import Event
from pult.core.exceptions import DomainError, Forbidden
from pult.parties.models import Client, Contract
from pult.pipelines import io as pipeline_io
from pult.presets.services import preset_load
from pult.work import services
from pult.work.exceptions import TransitionBlocked
from pult.work.item_parties import work_item_set_order_parties as set_order_parties
from pult.work.models import Item, ItemType, SignOff
from tests.conftest import login
from tests.factories import make_member

SALES = {
    "payment_terms": "50% upfront",
    "fee": "120000",
    "subcontractor_amount": "20000",
    "sales_comments": "Client is in a hurry",
}
# Dept 2 signs once the payment is in; the acts and the original contract are required
# for the archive, not for Dept 2's sign-off (seed 002), and sit in the archive stage.
FINANCE = {
    "legal_entity": "LLC Expert",
    "payment_amount": "30000",
    "payment_date": "2026-03-02",
    "payment_order_number": "PO-17",
}
TECHNICAL = {"technical_spec": "Check the plant's documents", "spec_sent": True}
EXPERTISE = {"documents_analysed": True, "expertise_done": True}
STATE = {"submitted_to_state": True, "expertise_approved": True, "work_completed": True}
ACTS = {"act_issued": True, "act_signed": True, "original_received": True}
ARCHIVE = {"registration_date": "2026-04-01", "valid_until": "2031-04-01"}
STAGE_KEYS = ("sales", "finance", "technical", "expertise", "state", "archive")


@dataclass
class Office:
    workspace: Workspace
    manager: User
    finance: User
    head3: User
    expert: User
    dept4: User
    director: User
    contract: Contract

    def order(self) -> Item:
        item = services.work_item_submit(
            actor=self.manager,
            workspace=self.workspace,
            item_type_key="order",
            title="Expertise of the plant project",
            values={},
            contract=self.contract,  # implies its client; the manager defaults to the actor
        )
        assert (item.client, item.manager) == (self.contract.client, self.manager)
        return item

    def fill(self, actor: User, item: Item, values: dict[str, Any]) -> Item:
        return services.work_item_update(
            actor=actor, workspace=self.workspace, item_id=item.pk, values=values
        )

    def sign(self, actor: User, item: Item, stage: str) -> SignOff:
        return services.stage_sign(
            actor=actor, workspace=self.workspace, item_id=item.pk, stage_key=stage
        )

    def step(self, actor: User, item: Item, key: str, comment: str = "") -> Item:
        return services.work_item_transition(
            actor=actor,
            workspace=self.workspace,
            item_id=item.pk,
            transition_key=key,
            comment=comment,
        )

    def stage_work(self, stage: str) -> tuple[list[tuple[User, dict[str, Any]]], User]:
        """Who fills the stage in with what (by the preset's field rules), and its signer."""
        return {
            "sales": ([(self.manager, SALES)], self.manager),
            "finance": ([(self.finance, FINANCE)], self.finance),
            "technical": (
                [(self.manager, TECHNICAL), (self.head3, {"expert": self.expert.pk})],
                self.head3,
            ),
            "expertise": ([(self.expert, EXPERTISE)], self.expert),
            "state": ([(self.dept4, STATE)], self.dept4),
            "archive": ([(self.finance, ACTS), (self.manager, ARCHIVE)], self.manager),
        }[stage]

    def fill_stage(self, item: Item, stage: str) -> None:
        for actor, values in self.stage_work(stage)[0]:
            self.fill(actor, item, values)

    def complete(self, item: Item, *stages: str) -> None:
        """Fill each stage in as its people would and sign it off, in the order given."""
        for stage in stages:
            self.fill_stage(item, stage)
            self.sign(self.stage_work(stage)[1], item, stage)


@pytest.fixture
def office(db: None) -> Office:
    workspace = preset_load("expertise-orders", slug="orders-test")
    roles = {r.name: r for r in Role.objects.filter(workspace=workspace)}

    def person(role: str, name: str) -> User:
        return make_member(workspace, roles=[roles[role]], full_name=name)

    client = Client.objects.create(workspace=workspace, name="Zavod LLC")
    contract = Contract.objects.create(
        workspace=workspace, client=client, number="C-2026/7", amount=Decimal("120000")
    )
    return Office(
        workspace=workspace,
        manager=person("Manager", "Marina Manager"),
        finance=person("Finance", "Fedor Finance"),
        head3=person("Head of Dept 3", "Gleb Head"),
        expert=person("Expert", "Elena Expert"),
        dept4=person("Dept 4", "Denis Four"),
        director=person("Director", "Darya Director"),
        contract=contract,
    )


def test_preset_shape(office: Office) -> None:
    item_type = ItemType.objects.get(workspace=office.workspace, key="order")
    assert item_type.number_prefix == "ORD"
    assert [s.key for s in item_type.statuses.all()] == [
        "prospect",
        "confirmed",
        "refused",
        "in_work",
        "archived",
    ]
    assert [s.key for s in item_type.stages.all()] == [
        "sales",
        "finance",
        "technical",
        "expertise",
        "state",
        "archive",
    ]
    assert all(s.sign_permission for s in item_type.stages.all())


def test_signing_with_missing_fields_is_refused_and_changes_nothing(office: Office) -> None:
    item = office.order()
    office.fill(office.manager, item, {"payment_terms": "50% upfront", "fee": "1000"})
    events_before = Event.objects.count()
    with pytest.raises(TransitionBlocked) as refused:
        office.sign(office.manager, item, "sales")
    assert refused.value.missing == ["Subcontractor amount", "Manager's comments"]
    assert "Subcontractor amount" in refused.value.message
    assert set(refused.value.field_errors) == {"subcontractor_amount", "sales_comments"}
    assert not SignOff.objects.filter(item=item).exists()
    assert Event.objects.count() == events_before


def test_sign_records_name_time_and_event_and_only_once(office: Office) -> None:
    item = office.order()
    office.fill(office.manager, item, SALES)
    signoff = office.sign(office.manager, item, "sales")
    assert signoff.signer_name == "Marina Manager"
    assert signoff.signed_at is not None
    assert Event.objects.filter(verb="work.stage_signed", target_id=item.pk).exists()
    with pytest.raises(DomainError, match="already signed"):
        office.sign(office.manager, item, "sales")
    # A signed stage freezes its fields.
    with pytest.raises(DomainError):
        office.fill(office.manager, item, {"fee": "1"})


def test_signer_without_the_permission_is_refused(office: Office) -> None:
    item = office.order()
    office.fill(office.manager, item, SALES)
    with pytest.raises(Forbidden):
        office.sign(office.finance, item, "sales")
    with pytest.raises(Forbidden):
        office.sign(office.manager, item, "finance")
    assert not SignOff.objects.filter(item=item).exists()


def test_field_policy_per_stage_and_role(office: Office) -> None:
    item = office.order()
    with pytest.raises(DomainError) as refused:
        office.fill(office.manager, item, {"payment_amount": "100"})
    assert "payment_amount" in refused.value.field_errors
    office.fill(office.finance, item, {"payment_amount": "100"})


def test_unsign_is_for_managers_and_reopens_the_stage(office: Office) -> None:
    item = office.order()
    office.fill(office.manager, item, SALES)
    office.sign(office.manager, item, "sales")
    with pytest.raises(Forbidden):
        services.stage_unsign(
            actor=office.finance, workspace=office.workspace, item_id=item.pk, stage_key="sales"
        )
    services.stage_unsign(
        actor=office.manager, workspace=office.workspace, item_id=item.pk, stage_key="sales"
    )
    assert not SignOff.objects.filter(item=item).exists()
    office.fill(office.manager, item, {"fee": "130000"})


def test_percent_of_contract_is_computed_on_save(office: Office) -> None:
    item = office.order()
    item = office.fill(office.finance, item, {"payment_amount": "30000", "legal_entity": ""})
    assert item.values["contract_percent"] == "25.00"
    event = Event.objects.filter(verb="work.fields_changed", target_id=item.pk).latest("pk")
    assert event.payload["fields"] == ["contract_percent", "payment_amount"]
    # Typing into a computed field changes nothing.
    item = office.fill(office.finance, item, {"payment_amount": "40000"})
    assert Decimal(item.values["contract_percent"]) == Decimal("33.33")


def test_percent_is_empty_without_a_contract_sum(office: Office) -> None:
    item = office.order()
    set_order_parties(
        actor=office.manager,
        workspace=office.workspace,
        item_id=item.pk,
        client=office.contract.client,
        contract=None,
        manager=office.manager,
    )
    item = office.fill(office.finance, item, {"payment_amount": "30000"})
    assert "contract_percent" not in item.values


def test_archive_needs_every_stage_signed_and_the_acts(office: Office) -> None:
    """Seed 002: the order goes to the archive only with every department's sign-off, and
    the acts and the original contract are what the archive (not Dept 2) requires."""
    item = office.order()
    office.step(office.manager, item, "confirm")
    office.step(office.manager, item, "start")
    office.complete(item, "sales")
    office.fill(office.finance, item, {**FINANCE, "payment_order_number": ""})
    office.fill(office.finance, item, {**ACTS, "act_signed": False})
    with pytest.raises(TransitionBlocked) as refused:
        office.step(office.manager, item, "archive")
    text = refused.value.message
    assert "Dept 2 · Finance" in text and "Payment order number" in text
    assert "Dept 4 · State approval" in text and "Work completed" in text
    assert "Archive" in text and "Registration date" in text
    assert "Act signed by the client" in text
    assert "Dept 1 · Sales" not in text  # signed
    item.refresh_from_db()
    assert item.status.key == "in_work"

    office.fill(office.finance, item, {"payment_order_number": "PO-17"})
    office.complete(item, "finance", "technical", "expertise", "state")
    office.fill(office.manager, item, ARCHIVE)
    with pytest.raises(TransitionBlocked) as refused:
        office.step(office.manager, item, "archive")
    assert refused.value.missing == [
        "the sign-off of “Archive” (still missing: Act signed by the client)"
    ]
    with pytest.raises(TransitionBlocked) as refused:
        office.sign(office.manager, item, "archive")
    assert refused.value.missing == ["Act signed by the client"]
    office.fill(office.finance, item, {"act_signed": True})
    with pytest.raises(TransitionBlocked) as refused:
        office.step(office.manager, item, "archive")
    assert refused.value.missing == ["the sign-off of “Archive”"]
    office.sign(office.manager, item, "archive")
    item = office.step(office.manager, item, "archive")
    assert item.status.key == "archived"


def test_export_round_trip_keeps_stages_rules_and_computation(office: Office) -> None:
    item_type = ItemType.objects.get(workspace=office.workspace, key="order")
    data = pipeline_io.item_type_export(item_type)
    assert data["sequential_stages"] is True
    archive = next(t for t in data["transitions"] if t["key"] == "archive")
    assert archive["guards"] == ["all_stages_signed"]
    assert archive["requires_stages"] == []
    percent = next(f for f in data["fields"] if f["key"] == "contract_percent")
    assert percent["computed"] == "percent_of_contract"
    archive["requires_stages"] = ["nowhere"]
    with pytest.raises(DomainError, match="nowhere"):
        pipeline_io.item_type_import(workspace=office.workspace, data={**data, "key": "o2"})


def test_item_page_shows_stages_and_signs(office: Office, client: HttpClient) -> None:
    item = office.order()
    login(client, office.manager)
    page = client.get(reverse("work:item_detail", args=[item.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "data-stages" in body and 'data-sign="sales"' in body
    assert "Subcontractor amount" in body

    sign_url = reverse("work:item_stage_sign", args=[item.pk, "sales"])
    response = client.post(sign_url, {"sign": "1"}, follow=True)
    assert "Subcontractor amount" in response.content.decode()
    assert not SignOff.objects.filter(item=item).exists()

    office.fill(office.manager, item, SALES)
    client.post(sign_url, {"sign": "1"})
    assert SignOff.objects.filter(item=item, stage__key="sales").exists()
