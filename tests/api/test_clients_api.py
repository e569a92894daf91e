"""The client base over the API: the same services and selectors as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from pult.api.services import api_token_create
from pult.parties.models import Client, ContactPerson
from tests.parties.clients_fixtures import Base, base  # noqa: F401

pytestmark = pytest.mark.django_db


def _bearer(user: Any, workspace: Any) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, workspace=workspace, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _json(http: HttpClient, method: str, url: str, auth: dict[str, str], body: Any = None) -> Any:
    call = getattr(http, method)
    if body is None:
        return call(url, **auth)
    return call(url, body, content_type="application/json", **auth)


def test_a_manager_walks_a_client(client: HttpClient, base: Base) -> None:  # noqa: F811
    auth = _bearer(base.manager, base.workspace)
    bad = _json(client, "post", "/api/v1/clients", auth, {"name": "  "})
    assert bad.status_code == 400 and "name" in bad.json()["error"]["fields"]
    created = _json(
        client,
        "post",
        "/api/v1/clients",
        auth,
        {"name": "Рога и копыта", "manager": base.manager.pk, "industry": "Экспертиза"},
    )
    assert created.status_code == 201, created.content
    data = created.json()
    cid = data["id"]
    assert data["manager"]["id"] == base.manager.pk and data["status"] == "active"
    patched = _json(
        client, "patch", f"/api/v1/clients/{cid}", auth, {"address": "Москва", "status": "refused"}
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["address"] == "Москва" and patched.json()["status"] == "refused"
    assert patched.json()["industry"] == "Экспертиза"

    contact = _json(
        client,
        "post",
        f"/api/v1/clients/{cid}/contacts",
        auth,
        {"full_name": "Иван", "emails": "ivan@roga.ru, petr@roga.ru"},
    )
    assert contact.status_code == 201 and contact.json()["emails"] == [
        "ivan@roga.ru",
        "petr@roga.ru",
    ]
    contact_id = contact.json()["id"]
    wrong = _json(client, "patch", f"/api/v1/contacts/{contact_id}", auth, {"emails": "nope"})
    assert wrong.status_code == 400 and "emails" in wrong.json()["error"]["fields"]
    renamed = _json(client, "patch", f"/api/v1/contacts/{contact_id}", auth, {"position": "CEO"})
    assert renamed.json()["position"] == "CEO" and renamed.json()["full_name"] == "Иван"
    assert len(_json(client, "get", f"/api/v1/clients/{cid}/contacts", auth).json()) == 1

    contract = _json(
        client,
        "post",
        f"/api/v1/clients/{cid}/contracts",
        auth,
        {"number": "ЭК-2024/17", "amount": "1500.50", "valid_from": "2024-01-01"},
    )
    assert contract.status_code == 201, contract.content
    contract_id = contract.json()["id"]
    twice = _json(
        client, "post", f"/api/v1/clients/{cid}/contracts", auth, {"number": "эк-2024/17"}
    )
    assert twice.status_code == 400 and "number" in twice.json()["error"]["fields"]
    early = _json(
        client, "patch", f"/api/v1/contracts/{contract_id}", auth, {"valid_until": "2023-01-01"}
    )
    assert early.status_code == 400 and "valid_until" in early.json()["error"]["fields"]
    negative = _json(client, "patch", f"/api/v1/contracts/{contract_id}", auth, {"amount": "-5"})
    assert negative.status_code == 400
    ok = _json(client, "patch", f"/api/v1/contracts/{contract_id}", auth, {"comments": "Оригинал"})
    assert ok.status_code == 200 and ok.json()["comments"] == "Оригинал"
    assert len(_json(client, "get", f"/api/v1/clients/{cid}/contracts", auth).json()) == 1

    found = _json(client, "get", "/api/v1/clients?q=Рогаа+и+Копыта", auth).json()["items"]
    assert [c["id"] for c in found] == [cid] and found[0]["contract_count"] == 1
    by_number = _json(client, "get", "/api/v1/clients?q=%D0%AD%D0%9A-2024", auth).json()
    assert [c["id"] for c in by_number["items"]] == [cid]

    archived = _json(client, "post", f"/api/v1/clients/{cid}/archive", auth, {})
    assert archived.status_code == 200 and archived.json()["archived_at"]
    assert _json(client, "get", "/api/v1/clients", auth).json()["items"] == []
    assert len(_json(client, "get", "/api/v1/clients?archived=true", auth).json()["items"]) == 1
    again = _json(client, "post", f"/api/v1/clients/{cid}/archive", auth, {})
    assert again.status_code == 400
    restored = _json(client, "post", f"/api/v1/clients/{cid}/restore", auth, {})
    assert restored.json()["archived_at"] is None
    assert _json(client, "delete", f"/api/v1/contacts/{contact_id}", auth).status_code == 204
    assert not ContactPerson.objects.exists()


def test_cursor_pages_through_clients(client: HttpClient, base: Base) -> None:  # noqa: F811
    for i in range(5):
        Client.objects.create(workspace=base.workspace, name=f"Компания {i}")
    auth = _bearer(base.viewer, base.workspace)
    first = _json(client, "get", "/api/v1/clients?limit=3", auth).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = _json(client, "get", f"/api/v1/clients?limit=3&cursor={first['next_cursor']}", auth)
    assert len(rest.json()["items"]) == 2 and rest.json()["next_cursor"] is None


def test_outsiders_get_404_and_viewers_403(client: HttpClient, base: Base) -> None:  # noqa: F811
    item = Client.objects.create(workspace=base.workspace, name="Рога и копыта")
    contact = ContactPerson.objects.create(workspace=base.workspace, client=item, full_name="Иван")
    calls: list[tuple[str, str, Any]] = [
        ("get", f"/api/v1/clients/{item.pk}", None),
        ("patch", f"/api/v1/clients/{item.pk}", {"name": "Hacked"}),
        ("post", f"/api/v1/clients/{item.pk}/archive", {}),
        ("post", f"/api/v1/clients/{item.pk}/restore", {}),
        ("get", f"/api/v1/clients/{item.pk}/contacts", None),
        ("post", f"/api/v1/clients/{item.pk}/contacts", {"full_name": "X"}),
        ("patch", f"/api/v1/contacts/{contact.pk}", {"full_name": "Hacked"}),
        ("delete", f"/api/v1/contacts/{contact.pk}", None),
        ("get", f"/api/v1/clients/{item.pk}/contracts", None),
        ("post", f"/api/v1/clients/{item.pk}/contracts", {"number": "H-1"}),
    ]
    for user, workspace in (
        (base.outsider, base.workspace),
        (base.other_manager, base.other_workspace),
    ):
        auth = _bearer(user, workspace)
        assert _json(client, "get", "/api/v1/clients", auth).json()["items"] == []
        for method, url, body in calls:
            assert _json(client, method, url, auth, body).status_code == 404, (user, method, url)
        created = _json(client, "post", "/api/v1/clients", auth, {"name": "X"})
        assert created.status_code == (404 if user is base.outsider else 201)
    # The other workspace's manager created a client in their own workspace only.
    assert list(Client.objects.filter(name="X").values_list("workspace", flat=True)) == [
        base.other_workspace.pk
    ]
    viewer = _bearer(base.viewer, base.workspace)
    for method, url, body in calls:
        expected = 200 if method == "get" else 403
        assert _json(client, method, url, viewer, body).status_code == expected, (method, url)
    item.refresh_from_db()
    assert item.name == "Рога и копыта" and item.archived_at is None
    assert ContactPerson.objects.get().full_name == "Иван"
