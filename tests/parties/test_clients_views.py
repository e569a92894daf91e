"""Client base pages: a manager's journey, and the doors closed to everyone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from pult.parties import client_services as services
from pult.parties.models import Client, ContactPerson, Contract
from tests.conftest import login
from tests.parties.clients_fixtures import Base

pytestmark = pytest.mark.django_db


def _as(http: HttpClient, user: Any) -> HttpClient:
    http.logout()
    login(http, user)
    return http


def _seed(base: Base) -> tuple[Client, ContactPerson, Contract]:
    client = services.client_create(
        actor=base.manager, workspace=base.workspace, name="Рога и копыта"
    )
    contact = services.contact_add(
        actor=base.manager, workspace=base.workspace, client_id=client.pk, full_name="Иван"
    )
    contract = services.contract_create(
        actor=base.manager, workspace=base.workspace, client_id=client.pk, number="ЭК-17"
    )
    return client, contact, contract


def _pages(client: Client, contact: ContactPerson, contract: Contract) -> list[tuple[str, str]]:
    return [
        ("get", reverse("parties:client_list")),
        ("get", reverse("parties:client_new")),
        ("post", reverse("parties:client_new")),
        ("get", reverse("parties:client_detail", args=[client.pk])),
        ("post", reverse("parties:client_detail", args=[client.pk])),
        ("post", reverse("parties:client_archive", args=[client.pk])),
        ("post", reverse("parties:client_restore", args=[client.pk])),
        ("post", reverse("parties:client_status", args=[client.pk])),
        ("post", reverse("parties:contact_add", args=[client.pk])),
        ("post", reverse("parties:contact_edit", args=[contact.pk])),
        ("post", reverse("parties:contact_remove", args=[contact.pk])),
        ("post", reverse("parties:contract_add", args=[client.pk])),
        ("get", reverse("parties:contract_edit", args=[contract.pk])),
        ("post", reverse("parties:contract_edit", args=[contract.pk])),
    ]


_HACK = {"name": "Hacked", "full_name": "Hacked", "number": "H-1", "status": "refused"}


def test_outsiders_get_404_everywhere(client: HttpClient, base: Base) -> None:
    records = _seed(base)
    for user in (base.outsider, base.other_manager):
        _as(client, user)
        for method, url in _pages(*records):
            if user is base.other_manager and url == reverse("parties:client_list"):
                continue  # their own (empty) list
            if user is base.other_manager and url.endswith("/clients/new/"):
                continue
            response = getattr(client, method)(url, _HACK if method == "post" else None)
            assert response.status_code == 404, (user, method, url)
    assert not Client.objects.filter(name="Hacked").exists()
    assert ContactPerson.objects.get().full_name == "Иван"


def test_viewers_read_but_get_403_on_writes(client: HttpClient, base: Base) -> None:
    records = _seed(base)
    _as(client, base.viewer)
    for method, url in _pages(*records):
        response = getattr(client, method)(url, _HACK if method == "post" else None)
        expected = 200 if method == "get" and "new" not in url and "contracts" not in url else 403
        assert response.status_code == expected, (method, url)
    page = client.get(reverse("parties:client_detail", args=[records[0].pk]))
    assert "Рога и копыта" in page.content.decode() and "ЭК-17" in page.content.decode()
    assert b"Edit the client" not in page.content
    assert Client.objects.get().status == "active"


def test_a_manager_adds_edits_and_archives_a_client(client: HttpClient, base: Base) -> None:
    _as(client, base.manager)
    assert client.get(reverse("parties:client_list")).status_code == 200
    bad = client.post(reverse("parties:client_new"), {"name": " "})
    assert bad.status_code == 400
    created = client.post(
        reverse("parties:client_new"),
        {
            "name": "Рога и копыта",
            "manager": base.manager.pk,
            "next_contact_at": "2030-01-02T10:30",
        },
    )
    assert created.status_code == 302
    item = Client.objects.get()
    assert item.manager == base.manager and item.next_contact_at is not None
    detail = reverse("parties:client_detail", args=[item.pk])
    assert created.url == detail
    edited = client.post(detail, {"name": "Рога и копыта", "industry": "Экспертиза", "manager": ""})
    assert edited.status_code == 302
    item.refresh_from_db()
    assert item.industry == "Экспертиза" and item.manager is None
    added = client.post(
        reverse("parties:contact_add", args=[item.pk]),
        {"full_name": "Иван", "emails": "bad"},
    )
    assert added.status_code == 400 and "Not a valid e-mail" in added.content.decode()
    added = client.post(
        reverse("parties:contact_add", args=[item.pk]),
        {"full_name": "Иван", "emails": "ivan@roga.ru", "phones": "1, 2"},
    )
    assert added.status_code == 302
    contact = ContactPerson.objects.get()
    client.post(
        reverse("parties:contact_edit", args=[contact.pk]),
        {f"c{contact.pk}-full_name": "Иван Петров", f"c{contact.pk}-emails": "ivan@roga.ru"},
    )
    contact.refresh_from_db()
    assert contact.full_name == "Иван Петров"
    contract = client.post(
        reverse("parties:contract_add", args=[item.pk]),
        {"number": "ЭК-17", "valid_from": "2024-02-01", "valid_until": "2024-01-01"},
    )
    assert contract.status_code == 400
    client.post(
        reverse("parties:contract_add", args=[item.pk]), {"number": "ЭК-17", "amount": "10"}
    )
    saved = Contract.objects.get()
    edit_url = reverse("parties:contract_edit", args=[saved.pk])
    assert client.get(edit_url).status_code == 200
    assert client.post(edit_url, {"number": "ЭК-18", "amount": "20"}).status_code == 302
    saved.refresh_from_db()
    assert saved.number == "ЭК-18"
    found = client.get(reverse("parties:client_list"), {"q": "Рогаа и Копыта"})
    assert "Рога и копыта" in found.content.decode()
    by_number = client.get(reverse("parties:client_list"), {"q": "эк-18"})
    assert f'data-client="{item.pk}"' in by_number.content.decode()
    client.post(reverse("parties:client_status", args=[item.pk]), {"status": "refused"})
    client.post(reverse("parties:client_archive", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == "refused" and item.archived_at is not None
    assert (
        f'data-client="{item.pk}"'
        not in client.get(reverse("parties:client_list")).content.decode()
    )
    archived = client.get(reverse("parties:client_list"), {"archived": "1"})
    assert f'data-client="{item.pk}"' in archived.content.decode()
    client.post(reverse("parties:client_restore", args=[item.pk]))
    client.post(reverse("parties:contact_remove", args=[contact.pk]))
    item.refresh_from_db()
    assert item.archived_at is None and not ContactPerson.objects.exists()
    page = client.get(detail)
    assert page.status_code == 200 and "ЭК-18" in page.content.decode()
