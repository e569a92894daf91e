"""The client base in the global search: clients and their contact persons, each through
`client_visible_to` (a member without the client base finds none of them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pult.parties import client_selectors
from pult.ui.search_registry import SearchHit, register_search_source

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def find_clients(actor: User, workspace: Workspace, query: str, limit: int) -> list[SearchHit]:
    """Clients by a (misspelled) name or a contract number, current before archived."""
    clients = client_selectors.client_search(
        client_selectors.client_visible_to(actor, workspace), query
    )
    rows = clients.select_related("manager").order_by(
        F("archived_at").asc(nulls_first=True), "name", "pk"
    )[:limit]
    return [
        SearchHit(
            url=reverse("parties:client_detail", args=[client.pk]),
            label=client.name,
            details=[
                client.manager.full_name if client.manager else "",
                _("Archived") if client.archived_at else client.get_status_display(),
            ],
        )
        for client in rows
    ]


def find_contacts(actor: User, workspace: Workspace, query: str, limit: int) -> list[SearchHit]:
    contacts = client_selectors.contact_search(
        actor=actor, workspace=workspace, query=query, limit=limit
    )
    return [
        SearchHit(
            url=reverse("parties:client_detail", args=[contact.client_id]) + "#contacts-title",
            label=contact.full_name,
            details=[contact.client.name, contact.position, contact.phones, contact.emails],
        )
        for contact in contacts
    ]


def register() -> None:
    register_search_source(
        "clients",
        gettext_lazy("Clients"),
        find_clients,
        position=10,
        list_url_name="parties:client_list",
    )
    register_search_source("contacts", gettext_lazy("Contact persons"), find_contacts, position=20)
