"""An expertise-orders (P2) workspace for the versioned-documents tests: the preset's
roles, a client with a contract and an order, a read-only client viewer, an outsider
and a second workspace. Shared by tests/documents and tests/api."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from pult.access.models import Role
from pult.accounts.models import User, Workspace
from pult.documents import document_services
from pult.documents.models import Document, DocumentVersion
from pult.parties.models import Client, Contract
from pult.parties.permissions import MANAGE_CLIENTS, VIEW_CLIENTS
from pult.presets.services import preset_load
from pult.work import services as work_services
from pult.work.models import Item
from tests.documents.conftest import pdf_bytes, upload
from tests.factories import make_member, make_workspace


@dataclass
class Firm:
    workspace: Workspace
    manager: User  # the preset's Manager: clients and orders
    manager2: User  # another Manager
    finance: User  # sees every order, edits none, no client base
    expert: User  # sees every order; assigned to some
    viewer: User  # reads the client base only
    outsider: User  # a member of the workspace without any permission
    other_workspace: Workspace
    other_manager: User  # manages clients in the other workspace
    client: Client
    contract: Contract

    def order(self, *, manager: User | None = None, title: str = "Plant expertise") -> Item:
        item = work_services.work_item_submit(
            actor=self.manager,
            workspace=self.workspace,
            item_type_key="order",
            title=title,
            values={},
        )
        Item.objects.filter(pk=item.pk).update(
            contract=self.contract, client=self.client, manager=manager or self.manager
        )
        item.refresh_from_db()
        return item

    def add(
        self,
        *,
        contract: Contract | None = None,
        item: Item | None = None,
        actor: User | None = None,
        name: str = "contract.pdf",
        data: bytes | None = None,
        title: str = "",
    ) -> Document:
        return document_services.document_add(
            actor=actor or self.manager,
            workspace=self.workspace,
            upload=upload(name, data if data is not None else pdf_bytes()),
            title=title,
            contract_id=contract.pk if contract is not None else None,
            item_id=item.pk if item is not None else None,
        )

    def version(
        self,
        document: Document,
        *,
        actor: User | None = None,
        name: str = "signed.pdf",
        data: bytes | None = None,
        note: str = "",
    ) -> DocumentVersion:
        return document_services.document_version_add(
            actor=actor or self.manager,
            workspace=self.workspace,
            document_id=document.pk,
            upload=upload(name, data if data is not None else pdf_bytes()),
            note=note,
        )


def make_firm(slug: str = "firm") -> Firm:
    workspace = preset_load("expertise-orders", slug=slug)
    roles: dict[str, Any] = {r.name: r for r in Role.objects.filter(workspace=workspace)}
    other, _admin = make_workspace("Other firm")
    client = Client.objects.create(workspace=workspace, name="Zavod LLC")
    contract = Contract.objects.create(
        workspace=workspace, client=client, number="C-2026/7", amount=Decimal("120000")
    )
    return Firm(
        workspace=workspace,
        manager=make_member(workspace, roles=[roles["Manager"]], full_name="Marina Manager"),
        manager2=make_member(workspace, roles=[roles["Manager"]], full_name="Maxim Manager"),
        finance=make_member(workspace, roles=[roles["Finance"]], full_name="Fedor Finance"),
        expert=make_member(workspace, roles=[roles["Expert"]], full_name="Elena Expert"),
        viewer=make_member(workspace, [VIEW_CLIENTS], full_name="Viktor Viewer"),
        outsider=make_member(workspace, [], full_name="Oleg Outsider"),
        other_workspace=other,
        other_manager=make_member(other, [VIEW_CLIENTS, MANAGE_CLIENTS]),
        client=client,
        contract=contract,
    )


@pytest.fixture
def firm(db: None) -> Firm:
    return make_firm()
