"""Whom an order is for: its client, contract and responsible manager (P2).

`order_parties_clean` is the one check of the three, used when an order is filed
(`services.work_item_submit`) and when they change (`work_item_set_order_parties`), so
the page, the API and imports refuse the same things with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from pult.activity.services import event_record
from pult.core.exceptions import DomainError, Forbidden
from pult.work import policies

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.parties.models import Client, Contract
    from pult.work.models import Item


@dataclass(frozen=True)
class OrderParties:
    client: Client | None
    contract: Contract | None
    manager: User | None


def _manager_allowed(user: User, workspace: Workspace) -> bool:
    """An active member who may manage orders (work.manage, through an active membership)."""
    return user.is_active and policies.can_manage_items(user, workspace)


def order_parties_clean(
    *,
    actor: User,
    workspace: Workspace,
    client: Client | None,
    contract: Contract | None,
    manager: User | None,
    default_manager: bool = True,
) -> OrderParties:
    """Check the client, contract and manager of an order; refuse naming each field.

    The client must be one the actor sees in this workspace; a contract must be that
    client's (a contract alone implies its client); the manager must be a member who may
    manage orders. With `default_manager`, an order for a client without a manager gets
    the actor when they may manage orders (an internal request with no client gets none,
    so the design desk files exactly as before).
    """
    from pult.parties.client_selectors import client_visible_to

    if client is None and contract is None and manager is None:
        return OrderParties(client=None, contract=None, manager=None)
    errors: dict[str, list[str]] = {}
    visible = client_visible_to(actor, workspace)
    if contract is not None:
        owner_visible = (
            contract.workspace_id == workspace.pk and visible.filter(pk=contract.client_id).exists()
        )
        if not owner_visible:
            errors["contract"] = [_("Choose a contract from the list.")]
        elif client is not None and contract.client_id != client.pk:
            errors["contract"] = [
                _("Contract %(number)s belongs to another client.") % {"number": contract.number}
            ]
        elif client is None:
            client = contract.client
    if client is not None and (
        client.workspace_id != workspace.pk or not visible.filter(pk=client.pk).exists()
    ):
        errors["client"] = [_("Choose a client from the list.")]
    if manager is not None and not _manager_allowed(manager, workspace):
        errors["manager"] = [
            _("%(name)s cannot manage orders here.") % {"name": manager.full_name or manager.email}
        ]
    if errors:
        raise DomainError(_("Check the client, the contract and the manager."), field_errors=errors)
    if manager is None and default_manager and client is not None:
        manager = actor if _manager_allowed(actor, workspace) else None
    return OrderParties(client=client, contract=contract, manager=manager)


def order_parties_from_ids(
    *,
    workspace: Workspace,
    client_id: int | None = None,
    contract_id: int | None = None,
    manager_id: int | None = None,
) -> OrderParties:
    """The rows behind ids typed into a form or an API call, looked up in the workspace
    only; an unknown id is refused like a foreign one (nothing tells them apart)."""
    from pult.accounts.models import Membership, User
    from pult.parties.models import Client, Contract

    errors: dict[str, list[str]] = {}
    client = contract = manager = None
    if client_id:
        client = Client.objects.filter(workspace=workspace, pk=client_id).first()
        if client is None:
            errors["client"] = [_("Choose a client from the list.")]
    if contract_id:
        contract = (
            Contract.objects.select_related("client")
            .filter(workspace=workspace, pk=contract_id)
            .first()
        )
        if contract is None:
            errors["contract"] = [_("Choose a contract from the list.")]
    if manager_id:
        member = Membership.objects.filter(
            workspace=workspace, user_id=manager_id, is_active=True
        ).values("user_id")
        manager = User.objects.filter(pk__in=member).first()
        if manager is None:
            errors["manager"] = [_("Choose a manager from the list.")]
    if errors:
        raise DomainError(_("Check the client, the contract and the manager."), field_errors=errors)
    return OrderParties(client=client, contract=contract, manager=manager)


def can_change_order_parties(actor: User, item: Item) -> bool:
    """Who may re-point an order at another client, contract or manager: managers."""
    return policies.can_manage_items(actor, item.workspace)


@transaction.atomic
def work_item_set_order_parties(
    *,
    actor: User,
    workspace: Workspace,
    item_id: int,
    client: Client | None,
    contract: Contract | None,
    manager: User | None,
) -> Item:
    """Change an order's client, contract and manager (managers only); recompute the
    fields computed from them (the % of the contract sum) and log one event."""
    from pult.work.computed import apply_computed
    from pult.work.selectors import item_for_update

    item = item_for_update(actor, workspace, item_id)
    if not can_change_order_parties(actor, item):
        raise Forbidden(_("You may not change the client of this order."))
    parties = order_parties_clean(
        actor=actor,
        workspace=workspace,
        client=client,
        contract=contract,
        manager=manager,
        default_manager=False,
    )
    before = (item.client_id, item.contract_id, item.manager_id)
    after = (
        parties.client.pk if parties.client else None,
        parties.contract.pk if parties.contract else None,
        parties.manager.pk if parties.manager else None,
    )
    if before == after:
        return item
    item.client, item.contract, item.manager = parties.client, parties.contract, parties.manager
    values_before = dict(item.values)
    apply_computed(item)
    item.save(update_fields=["client", "contract", "manager", "values", "updated_at"])
    event_record(
        actor=actor,
        workspace=workspace,
        verb="work.order_parties_changed",
        target=item,
        payload={
            "client": parties.client.name if parties.client else "—",
            "contract": parties.contract.number if parties.contract else "—",
            "manager": (parties.manager.full_name or parties.manager.email)
            if parties.manager
            else "—",
            "fields": sorted(
                k
                for k in values_before.keys() | item.values.keys()
                if values_before.get(k) != item.values.get(k)
            ),
        },
    )
    return item
