"""Reads for filing an order for a client and for the order page's "Client and contract"
panel (P2). Clients and contracts come through the parties selectors, so what the
actor may not see does not exist here either."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pult.work import item_parties, policies

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.parties.models import Client
    from pult.work.models import Item


def order_manager_choices(*, workspace: Workspace) -> list[tuple[int, str]]:
    """(user id, name) of the active members who may manage orders, by name: one query."""
    from pult.access.models import RolePermission
    from pult.accounts.models import Membership, User
    from pult.work.permissions import MANAGE

    members = Membership.objects.filter(
        workspace=workspace,
        is_active=True,
        roles__in=RolePermission.objects.filter(code=MANAGE, role__workspace=workspace).values(
            "role_id"
        ),
    ).values("user_id")
    return [
        (pk, name or email)
        for pk, name, email in User.objects.filter(pk__in=members, is_active=True)
        .order_by("full_name", "pk")
        .values_list("pk", "full_name", "email")[:500]
    ]


def contract_choices(*, client: Client) -> list[tuple[int, str]]:
    """(contract id, number) of the client's contracts, newest first."""
    from pult.parties.models import Contract

    return [
        (pk, number)
        for pk, number in Contract.objects.filter(workspace_id=client.workspace_id, client=client)
        .order_by("-signed_on", "-pk")
        .values_list("pk", "number")[:500]
    ]


def can_file_orders(actor: User, workspace: Workspace) -> bool:
    """Filing an order for a client: file work items and see the client base."""
    from pult.parties.policies import can_view_clients

    return policies.can_submit_item(actor, workspace) and can_view_clients(actor, workspace)


def client_orders(
    *, actor: User, workspace: Workspace, client: Client, limit: int = 20
) -> list[Item]:
    """The client's orders the actor may see (work's own visibility rules), newest first:
    one query."""
    from pult.work.selectors import item_visible_to

    return list(
        item_visible_to(actor, workspace)
        .filter(client=client)
        .select_related("item_type", "status", "manager", "contract")
        .order_by("-pk")[:limit]
    )


def order_panel(*, actor: User, item: Item) -> dict[str, Any] | None:
    """The order page's panel: client (linked when the actor sees the client base),
    contract, manager, and whether the actor may change them; None for an item that is
    not for a client (a design request)."""
    from pult.parties.policies import can_view_clients

    if item.client_id is None and item.contract_id is None and item.manager_id is None:
        return None
    can_change = item_parties.can_change_order_parties(actor, item) and can_view_clients(
        actor, item.workspace
    )
    return {
        "client": item.client,
        "contract": item.contract,
        "manager": item.manager,
        "client_link": can_view_clients(actor, item.workspace),
        "can_change": can_change,
        "contracts": contract_choices(client=item.client) if can_change and item.client else [],
        "managers": order_manager_choices(workspace=item.workspace) if can_change else [],
    }
