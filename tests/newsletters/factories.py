"""Clients and contacts made fast (bulk inserts) for newsletter tests."""

from __future__ import annotations

from typing import Any

from pult.accounts.models import User, Workspace
from pult.newsletters.models import Newsletter, Segment
from pult.newsletters.services import newsletter_save, segment_save
from pult.parties.models import Client, ContactPerson


def make_clients(
    workspace: Workspace, count: int, *, prefix: str = "c", **fields: Any
) -> list[ContactPerson]:
    """`count` clients, each with one contact person with one address."""
    clients = Client.objects.bulk_create(
        [Client(workspace=workspace, name=f"Company {prefix}{i}", **fields) for i in range(count)]
    )
    return ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                workspace=workspace,
                client=client,
                full_name=f"Person {prefix}{i}",
                emails=f"{prefix}{i}@example.com",
            )
            for i, client in enumerate(clients)
        ]
    )


def make_newsletter(
    workspace: Workspace,
    actor: User,
    *,
    filters: dict[str, Any] | None = None,
    subject: str = "News for {company}",
    body: str = (
        "Hello, {contact_name}!\nYour manager: {manager_name}.\nUnsubscribe: {unsubscribe_url}"
    ),
    rate_per_minute: int = 60,
) -> Newsletter:
    segment: Segment = segment_save(
        actor=actor,
        workspace=workspace,
        name=f"Segment {Segment.objects.count() + 1}",
        filters=filters or {},
    )
    return newsletter_save(
        actor=actor,
        workspace=workspace,
        segment=segment,
        subject=subject,
        body=body,
        rate_per_minute=rate_per_minute,
    )
