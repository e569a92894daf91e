"""The client base over the API: the same selectors and services as the pages.

Clients the caller may not see do not exist (404); read-only callers get 403 on writes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from pult.accounts.models import User, Workspace
from pult.api.schemas import ERRORS, WRITE_ERRORS, Day, Id, In, Limit, Moment, Money, SingleLine
from pult.core.http import actor_and_workspace
from pult.parties import client_selectors as selectors
from pult.parties import client_services as services
from pult.parties.models import Client, ClientStatus, ContactPerson, Contract

router = Router(tags=["clients"])


class PersonOut(Schema):
    id: int
    full_name: str


class ClientOut(Schema):
    id: int
    name: str
    address: str
    source: str
    industry: str
    activity: str
    comments: str
    tags: str
    status: str
    manager: PersonOut | None
    next_contact_at: datetime | None
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    contact_count: int | None = None
    contract_count: int | None = None
    url: str


class ClientPage(Schema):
    items: list[ClientOut]
    next_cursor: Id | None


class ClientIn(In):
    name: SingleLine
    address: str = ""
    source: SingleLine = ""
    industry: SingleLine = ""
    activity: str = ""
    comments: str = ""
    tags: SingleLine = ""
    manager: Id | None = None
    next_contact_at: Moment | None = None


class ClientPatch(In):
    name: SingleLine | None = None
    address: str | None = None
    source: SingleLine | None = None
    industry: SingleLine | None = None
    activity: str | None = None
    comments: str | None = None
    tags: SingleLine | None = None
    manager: Id | None = None
    next_contact_at: Moment | None = None
    status: Literal["active", "refused"] | None = None


class ContactOut(Schema):
    id: int
    client: int
    full_name: str
    position: str
    phones: list[str]
    emails: list[str]
    comments: str


class ContactIn(In):
    full_name: SingleLine
    position: SingleLine = ""
    phones: str = ""
    emails: str = ""
    comments: str = ""


class ContactPatch(In):
    full_name: SingleLine | None = None
    position: SingleLine | None = None
    phones: str | None = None
    emails: str | None = None
    comments: str | None = None


class ContractOut(Schema):
    id: int
    client: int
    number: str
    signed_on: date | None
    valid_from: date | None
    valid_until: date | None
    amount: Decimal | None
    comments: str


class ContractIn(In):
    number: SingleLine
    signed_on: Day | None = None
    valid_from: Day | None = None
    valid_until: Day | None = None
    amount: Money | None = None
    comments: str = ""


class ContractPatch(In):
    number: SingleLine | None = None
    signed_on: Day | None = None
    valid_from: Day | None = None
    valid_until: Day | None = None
    amount: Money | None = None
    comments: str | None = None


def _client(client: Client) -> dict[str, Any]:
    manager = client.manager
    return {
        "id": client.pk,
        "name": client.name,
        "address": client.address,
        "source": client.source,
        "industry": client.industry,
        "activity": client.activity,
        "comments": client.comments,
        "tags": client.tags,
        "status": client.status,
        "manager": {"id": manager.pk, "full_name": manager.full_name} if manager else None,
        "next_contact_at": client.next_contact_at,
        "archived_at": client.archived_at,
        "created_at": client.created_at,
        "updated_at": client.updated_at,
        "contact_count": getattr(client, "contact_count", None),
        "contract_count": getattr(client, "contract_count", None),
        "url": reverse("parties:client_detail", args=[client.pk]),
    }


def _contact(contact: ContactPerson) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "client": contact.client_id,
        "full_name": contact.full_name,
        "position": contact.position,
        "phones": services.split_list(contact.phones),
        "emails": services.split_list(contact.emails),
        "comments": contact.comments,
    }


def _contract(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.pk,
        "client": contract.client_id,
        "number": contract.number,
        "signed_on": contract.signed_on,
        "valid_from": contract.valid_from,
        "valid_until": contract.valid_until,
        "amount": contract.amount,
        "comments": contract.comments,
    }


def _detail(user: User, workspace: Workspace, client_id: int) -> dict[str, Any]:
    return _client(selectors.client_get(actor=user, workspace=workspace, client_id=client_id))


# --- Clients --------------------------------------------------------------------------


@router.get("/clients", response={200: ClientPage, **ERRORS})
def client_list(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    manager: Id | None = None,
    archived: bool = False,
    cursor: Id | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    """q finds a company by a (misspelled) name or a contract number (exact or prefix)."""
    user, workspace = actor_and_workspace(request)
    page = selectors.client_page(
        actor=user,
        workspace=workspace,
        query=q[:100],
        status=status if status in ClientStatus.values else "",
        manager_id=manager,
        archived=archived,
        cursor=cursor,
        page_size=limit,
    )
    return {"items": [_client(c) for c in page.rows], "next_cursor": page.next_cursor}


@router.post("/clients", response={201: ClientOut, **WRITE_ERRORS})
def client_create(request: HttpRequest, payload: ClientIn) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    data = payload.dict()
    data["manager_id"] = data.pop("manager")
    client = services.client_create(actor=user, workspace=workspace, **data)
    return Status(201, _detail(user, workspace, client.pk))


@router.get("/clients/{client_id}", response={200: ClientOut, **ERRORS})
def client_get(request: HttpRequest, client_id: Id) -> dict[str, Any]:
    user, workspace = actor_and_workspace(request)
    return _detail(user, workspace, client_id)


@router.patch("/clients/{client_id}", response={200: ClientOut, **WRITE_ERRORS})
def client_update(request: HttpRequest, client_id: Id, payload: ClientPatch) -> dict[str, Any]:
    """Only the fields sent change; "manager": null clears the manager, "status" is
    "active" or "refused"."""
    user, workspace = actor_and_workspace(request)
    selectors.client_get(actor=user, workspace=workspace, client_id=client_id)  # 404 first
    changes = payload.dict(exclude_unset=True)
    status = changes.pop("status", None)
    if "manager" in changes:
        changes["manager_id"] = changes.pop("manager")
    # A text field sent as null is left as it is; null clears the manager or the date.
    changes = {
        k: v for k, v in changes.items() if v is not None or k in ("manager_id", "next_contact_at")
    }
    if changes:
        services.client_update(actor=user, workspace=workspace, client_id=client_id, **changes)
    if status is not None:
        services.client_set_status(
            actor=user, workspace=workspace, client_id=client_id, status=status
        )
    return _detail(user, workspace, client_id)


@router.post("/clients/{client_id}/archive", response={200: ClientOut, **WRITE_ERRORS})
def client_archive(request: HttpRequest, client_id: Id) -> dict[str, Any]:
    user, workspace = actor_and_workspace(request)
    selectors.client_get(actor=user, workspace=workspace, client_id=client_id)
    services.client_archive(actor=user, workspace=workspace, client_id=client_id)
    return _detail(user, workspace, client_id)


@router.post("/clients/{client_id}/restore", response={200: ClientOut, **WRITE_ERRORS})
def client_restore(request: HttpRequest, client_id: Id) -> dict[str, Any]:
    user, workspace = actor_and_workspace(request)
    selectors.client_get(actor=user, workspace=workspace, client_id=client_id)
    services.client_restore(actor=user, workspace=workspace, client_id=client_id)
    return _detail(user, workspace, client_id)


# --- Contacts -------------------------------------------------------------------------


@router.get("/clients/{client_id}/contacts", response={200: list[ContactOut], **ERRORS})
def contact_list(request: HttpRequest, client_id: Id) -> list[dict[str, Any]]:
    user, workspace = actor_and_workspace(request)
    client = selectors.client_get(actor=user, workspace=workspace, client_id=client_id)
    return [_contact(c) for c in client.contacts.all()]


@router.post("/clients/{client_id}/contacts", response={201: ContactOut, **WRITE_ERRORS})
def contact_add(request: HttpRequest, client_id: Id, payload: ContactIn) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    selectors.client_get(actor=user, workspace=workspace, client_id=client_id)
    contact = services.contact_add(
        actor=user, workspace=workspace, client_id=client_id, **payload.dict()
    )
    return Status(201, _contact(contact))


def _not_null(changes: dict[str, Any]) -> dict[str, Any]:
    """PATCH semantics: a field sent as null is left as it is."""
    return {k: v for k, v in changes.items() if v is not None}


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **WRITE_ERRORS})
def contact_update(request: HttpRequest, contact_id: Id, payload: ContactPatch) -> dict[str, Any]:
    user, workspace = actor_and_workspace(request)
    selectors.contact_get(actor=user, workspace=workspace, contact_id=contact_id)
    contact = services.contact_update(
        actor=user,
        workspace=workspace,
        contact_id=contact_id,
        **_not_null(payload.dict(exclude_unset=True)),
    )
    return _contact(contact)


@router.delete("/contacts/{contact_id}", response={204: None, **WRITE_ERRORS})
def contact_remove(request: HttpRequest, contact_id: Id) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    selectors.contact_get(actor=user, workspace=workspace, contact_id=contact_id)
    services.contact_remove(actor=user, workspace=workspace, contact_id=contact_id)
    return Status(204, None)


# --- Contracts ------------------------------------------------------------------------


@router.get("/clients/{client_id}/contracts", response={200: list[ContractOut], **ERRORS})
def contract_list(request: HttpRequest, client_id: Id) -> list[dict[str, Any]]:
    user, workspace = actor_and_workspace(request)
    client = selectors.client_get(actor=user, workspace=workspace, client_id=client_id)
    return [_contract(c) for c in client.contracts.all()]


@router.post("/clients/{client_id}/contracts", response={201: ContractOut, **WRITE_ERRORS})
def contract_create(request: HttpRequest, client_id: Id, payload: ContractIn) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    selectors.client_get(actor=user, workspace=workspace, client_id=client_id)
    contract = services.contract_create(
        actor=user, workspace=workspace, client_id=client_id, **payload.dict()
    )
    return Status(201, _contract(contract))


@router.patch("/contracts/{contract_id}", response={200: ContractOut, **WRITE_ERRORS})
def contract_update(
    request: HttpRequest, contract_id: Id, payload: ContractPatch
) -> dict[str, Any]:
    """Only the fields sent change; null clears a date or the sum, not the number."""
    user, workspace = actor_and_workspace(request)
    selectors.contract_get(actor=user, workspace=workspace, contract_id=contract_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("number", "") is None:
        changes.pop("number")
    if changes.get("comments", "") is None:
        changes["comments"] = ""
    contract = services.contract_update(
        actor=user, workspace=workspace, contract_id=contract_id, **changes
    )
    return _contract(contract)
