"""What orders adds to the pages of the apps below it (registered in `OrdersConfig.ready()`):

- the item page's "Client and contract" card of an order (client, contract, manager);
- the item list's "New order" button;
- the client card's orders, with its own "New order" button.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pult.orders import selectors
from pult.parties.panels import client_panels
from pult.work.panels import item_list_actions, item_panels

if TYPE_CHECKING:
    from pult.core.http import WorkspaceRequest
    from pult.parties.models import Client
    from pult.work.models import Item, ItemType


def order_parties_panel(request: WorkspaceRequest, item: Item) -> dict[str, Any] | None:
    """None for an item that is not for a client (a design request)."""
    panel = selectors.order_panel(actor=request.user, item=item)
    return None if panel is None else {"order_panel": panel}


def new_order_action(request: WorkspaceRequest, item_type: ItemType) -> dict[str, Any] | None:
    return {} if selectors.can_file_orders(request.user, request.workspace) else None


def client_orders_panel(request: WorkspaceRequest, client: Client) -> dict[str, Any]:
    actor, workspace = request.user, request.workspace
    return {
        "orders": selectors.client_orders(actor=actor, workspace=workspace, client=client),
        "can_file_order": selectors.can_file_orders(actor, workspace),
    }


def register() -> None:
    item_panels.register(
        "orders.order_parties",
        template="orders/_order_panel.html",
        context=order_parties_panel,
        where="side",
        position=10,
    )
    item_list_actions.register(
        "orders.new_order", template="orders/_new_order_button.html", context=new_order_action
    )
    client_panels.register(
        "orders.client_orders",
        template="orders/_client_orders.html",
        context=client_orders_panel,
        where="main",
    )
