"""The client base's source of the personal agenda (`pult.calendars.agenda`): the
contracts of the clients the actor manages that expire in the range. Registered in
`PartiesConfig.ready()`."""

from __future__ import annotations

from datetime import date

from pult.access.policies import has_permission
from pult.accounts.models import User, Workspace
from pult.calendars.agenda import Entry, register_agenda_source
from pult.parties.models import Contract
from pult.parties.permissions import VIEW_CLIENTS


def expiring_contracts(actor: User, workspace: Workspace, since: date, until: date) -> list[Entry]:
    """One query (plus the cached permission read); whole-day entries."""
    if not has_permission(actor, workspace, VIEW_CLIENTS):
        return []
    contracts = Contract.objects.filter(
        workspace=workspace, client__manager=actor, valid_until__range=(since, until)
    ).select_related("client")
    entries = []
    for contract in contracts:
        assert contract.valid_until is not None
        entries.append(
            Entry(
                kind="contract",
                uid=f"contract-{contract.pk}",
                title=f"{contract.number} · {contract.client.name}",
                url="",
                at=None,
                day=contract.valid_until,
            )
        )
    return entries


def register() -> None:
    register_agenda_source("parties.expiring_contracts", expiring_contracts)
