"""Orders over the API: filing for a client, stage fields, sign-offs and reminders, with
the same field policy and refusals as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from pult.access.models import Role
from pult.api.services import api_token_create
from pult.calendars.models import Reminder
from pult.parties.models import Client, Contract
from pult.work.models import FieldDef, FieldMode, FieldRule, Item, SignOff, Stage
from tests.api.test_items_api import assert_listed_as_in_detail
from tests.factories import make_workspace
from tests.work.test_stages import SALES, Office, office  # noqa: F401

pytestmark = pytest.mark.django_db


def _auth(user: Any, workspace: Any) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, workspace=workspace, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _call(http: HttpClient, method: str, url: str, auth: dict[str, str], body: Any = None) -> Any:
    if body is None:
        return getattr(http, method)(url, **auth)
    return getattr(http, method)(url, body, content_type="application/json", **auth)


def _outsider() -> dict[str, str]:
    workspace, admin = make_workspace()
    return _auth(admin, workspace)


def test_an_order_is_filed_for_a_client_over_the_api(
    client: HttpClient,
    office: Office,  # noqa: F811
) -> None:
    auth = _auth(office.manager, office.workspace)
    body = {"item_type": "order", "title": "Plant", "contract_id": office.contract.pk}
    created = _call(client, "post", "/api/v1/items", auth, body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["client"] == {"id": office.contract.client_id, "name": "Zavod LLC"}
    assert data["contract"] == {"id": office.contract.pk, "name": "C-2026/7"}
    assert data["manager"]["id"] == office.manager.pk

    other = Client.objects.create(workspace=office.workspace, name="Other")
    refused = _call(
        client,
        "post",
        "/api/v1/items",
        auth,
        {**body, "client_id": other.pk, "manager_id": office.finance.pk},
    )
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"contract", "manager"}
    foreign_ws, _admin = make_workspace()
    foreign = Client.objects.create(workspace=foreign_ws, name="Foreign")
    unknown = _call(client, "post", "/api/v1/items", auth, {**body, "client_id": foreign.pk})
    assert unknown.status_code == 400 and "client" in unknown.json()["error"]["fields"]
    assert Item.objects.filter(workspace=office.workspace).count() == 1


def test_stages_values_and_sign_offs(client: HttpClient, office: Office) -> None:  # noqa: F811
    item = office.order()
    manager = _auth(office.manager, office.workspace)
    stages = _call(client, "get", f"/api/v1/items/{item.pk}/stages", manager)
    assert stages.status_code == 200
    sales = stages.json()[0]
    assert sales["key"] == "sales" and sales["signed"] is None and sales["can_sign"] is True
    assert sales["missing"] == [
        "Payment terms",
        "Fee",
        "Subcontractor amount",
        "Manager's comments",
    ]
    fee = next(f for f in sales["fields"] if f["key"] == "fee")
    assert fee == {
        "key": "fee",
        "name": "Fee",
        "kind": "money",
        "value": None,
        "mode": "required",
        "required": True,
    }

    # Signing with empty fields is refused, naming them; nothing is signed.
    refused = _call(client, "post", f"/api/v1/items/{item.pk}/stages/sales/sign", manager)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "stage_incomplete"
    assert "Subcontractor amount" in error["message"]
    assert set(error["fields"]) == {
        "payment_terms",
        "fee",
        "subcontractor_amount",
        "sales_comments",
    }
    assert not SignOff.objects.filter(item=item).exists()

    # Values under the policy: finance may not type into the manager's stage.
    finance = _auth(office.finance, office.workspace)
    denied = _call(
        client, "patch", f"/api/v1/items/{item.pk}/values", finance, {"values": {"fee": "1"}}
    )
    assert denied.status_code == 400 and "fee" in denied.json()["error"]["fields"]
    saved = _call(client, "patch", f"/api/v1/items/{item.pk}/values", manager, {"values": SALES})
    assert saved.status_code == 200, saved.content
    assert saved.json()["values"]["fee"] == "120000.00"

    signed = _call(client, "post", f"/api/v1/items/{item.pk}/stages/sales/sign", manager)
    assert signed.status_code == 200, signed.content
    assert signed.json()[0]["signed"]["by"] == "Marina Manager"
    assert signed.json()[0]["fields"][0]["mode"] == "read"  # a signed stage is frozen
    not_theirs = _call(client, "delete", f"/api/v1/items/{item.pk}/stages/sales/sign", finance)
    assert not_theirs.status_code == 403
    withdrawn = _call(client, "delete", f"/api/v1/items/{item.pk}/stages/sales/sign", manager)
    assert withdrawn.status_code == 200 and withdrawn.json()[0]["signed"] is None
    assert not SignOff.objects.filter(item=item).exists()


def test_a_hidden_field_never_appears(client: HttpClient, office: Office) -> None:  # noqa: F811
    item = office.order()
    stage = Stage.objects.get(item_type=item.item_type, key="finance")
    secret = FieldDef.objects.create(
        item_type=item.item_type, key="bank_secret", name_en="Bank secret", stage=stage
    )
    finance_role = Role.objects.get(workspace=office.workspace, name="Finance")
    manager_role = Role.objects.get(workspace=office.workspace, name="Manager")
    FieldRule.objects.create(field=secret, role=finance_role, mode=FieldMode.HIDDEN)
    FieldRule.objects.create(field=secret, role=manager_role, mode=FieldMode.REQUIRED)
    Item.objects.filter(pk=item.pk).update(values={"bank_secret": "4242"})

    finance = _auth(office.finance, office.workspace)
    body = _call(client, "get", f"/api/v1/items/{item.pk}/stages", finance).content.decode()
    assert "bank_secret" not in body and "Bank secret" not in body and "4242" not in body
    detail = _call(client, "get", f"/api/v1/items/{item.pk}", finance).content.decode()
    assert "4242" not in detail
    listed = _call(client, "get", "/api/v1/items", finance).json()["items"]
    assert [i["id"] for i in listed] == [item.pk]
    assert "bank_secret" not in listed[0]["values"]
    # Filtering by it would tell its value through what matches: the filter is dropped.
    for guess in ("4242", "0000"):
        probed = _call(client, "get", f"/api/v1/items?f_bank_secret={guess}", finance).json()
        assert [i["id"] for i in probed["items"]] == [item.pk]
    manager = _auth(office.manager, office.workspace)
    listed = _call(client, "get", "/api/v1/items", manager).json()["items"]
    assert listed[0]["values"]["bank_secret"] == "4242"
    narrowed = _call(client, "get", "/api/v1/items?f_bank_secret=0000", manager).json()
    assert narrowed["items"] == []  # who may see the field filters by it
    for auth in (finance, manager):  # the list reads rows, the detail the model
        assert_listed_as_in_detail(client, auth)

    # The list's CSV export: the column is there, the value only for who may see it.
    def exported(user: Any) -> str:
        client.force_login(user)
        url = f"/items/export.csv?item_type={item.item_type_id}"
        response = client.get(url)
        assert response.status_code == 200
        return b"".join(response.streaming_content).decode("utf-8-sig")

    assert "Bank secret" in exported(office.finance)
    assert "4242" not in exported(office.finance)
    assert "4242" in exported(office.manager)
    seen = _call(client, "get", f"/api/v1/items/{item.pk}/stages", manager).json()
    assert any(f["key"] == "bank_secret" for f in seen[1]["fields"])


def test_an_outsider_gets_404_everywhere(client: HttpClient, office: Office) -> None:  # noqa: F811
    item = office.order()
    outsider = _outsider()
    base = f"/api/v1/items/{item.pk}"
    assert _call(client, "get", f"{base}/stages", outsider).status_code == 404
    patched = _call(client, "patch", f"{base}/values", outsider, {"values": {"fee": "1"}})
    assert patched.status_code == 404
    assert _call(client, "post", f"{base}/stages/sales/sign", outsider).status_code == 404
    assert _call(client, "delete", f"{base}/stages/sales/sign", outsider).status_code == 404
    reminder = _call(
        client,
        "post",
        "/api/v1/reminders",
        outsider,
        {
            "at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
            "text": "x",
            "item_id": item.pk,
        },
    )
    assert reminder.status_code == 404
    item.refresh_from_db()
    assert item.values == {} and not Reminder.objects.exists()


def test_reminders_for_a_client_and_an_order(client: HttpClient, office: Office) -> None:  # noqa: F811
    item = office.order()
    manager = _auth(office.manager, office.workspace)
    at = timezone.now() + dt.timedelta(days=2)
    made = _call(
        client,
        "post",
        "/api/v1/reminders",
        manager,
        {"at": at.isoformat(), "text": "Call Zavod", "client_id": office.contract.client_id},
    )
    assert made.status_code == 201, made.content
    assert made.json()["target"] == {
        "type": "client",
        "id": office.contract.client_id,
        "label": "Zavod LLC",
    }
    about_order = _call(
        client,
        "post",
        "/api/v1/reminders",
        manager,
        {"at": at.isoformat(), "text": "Chase the payment", "item_id": item.pk},
    )
    assert about_order.status_code == 201 and about_order.json()["target"]["type"] == "item"
    past = _call(
        client,
        "post",
        "/api/v1/reminders",
        manager,
        {"at": (timezone.now() - dt.timedelta(hours=1)).isoformat(), "text": "late"},
    )
    assert past.status_code == 400 and "at" in past.json()["error"]["fields"]

    listed = _call(client, "get", "/api/v1/reminders", manager).json()
    assert [r["text"] for r in listed] == ["Call Zavod", "Chase the payment"]
    later = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    assert _call(client, "get", f"/api/v1/reminders?since={later}", manager).json() == []
    # Finance sees none of the manager's reminders, and cannot cancel them.
    finance = _auth(office.finance, office.workspace)
    assert _call(client, "get", "/api/v1/reminders", finance).json() == []
    reminder_id = made.json()["id"]
    assert _call(client, "delete", f"/api/v1/reminders/{reminder_id}", finance).status_code == 404
    # Finance may not see the client base: a reminder about a client is 404.
    hidden_client = _call(
        client,
        "post",
        "/api/v1/reminders",
        finance,
        {"at": at.isoformat(), "text": "x", "client_id": office.contract.client_id},
    )
    assert hidden_client.status_code == 404

    assert _call(client, "delete", f"/api/v1/reminders/{reminder_id}", manager).status_code == 204
    assert [r["text"] for r in _call(client, "get", "/api/v1/reminders", manager).json()] == [
        "Chase the payment"
    ]


def test_a_clients_next_contact_is_set_over_the_api(
    client: HttpClient,
    office: Office,  # noqa: F811
) -> None:
    Client.objects.filter(pk=office.contract.client_id).update(manager=office.manager)
    manager = _auth(office.manager, office.workspace)
    at = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    response = _call(
        client,
        "patch",
        f"/api/v1/clients/{office.contract.client_id}",
        manager,
        {"next_contact_at": at.isoformat()},
    )
    assert response.status_code == 200, response.content
    listed = _call(client, "get", "/api/v1/reminders", manager).json()
    assert [r["text"] for r in listed] == ["Call the client: Zavod LLC"]
    assert Contract.objects.filter(pk=office.contract.pk).exists()
