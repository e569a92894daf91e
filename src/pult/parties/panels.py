"""What the apps above parties add to its cards, which it may not import them for.

- `client_panels`: the client card's "main" column (under contacts and contracts) and
  its "side" column (under the client's facts); orders adds the client's orders.
- `outlet_panels`: the outlet card's "head" (buttons by the title), "main" column
  (under the bound applicants) and "side" column; work adds the outlet's items.
- `specialist_panels`: the specialist card's "head"; work links their items in work.

Each app registers in its `AppConfig.ready()`, e.g. (orders/panels.py)::

    from pult.parties.panels import client_panels
    client_panels.register(
        "orders.client_orders",
        template="orders/_client_orders.html",
        context=client_orders_panel,  # (request, client) -> dict, or None to stay off
        where="main",
    )

See `pult.ui.panels` for what a context function may cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.ui.panels import PanelRegistry

if TYPE_CHECKING:
    from pult.parties.models import Client, Outlet
    from pult.parties.selectors import Specialist

client_panels: PanelRegistry[Client] = PanelRegistry("client card", places=("main", "side"))
outlet_panels: PanelRegistry[Outlet] = PanelRegistry("outlet card", places=("head", "main", "side"))
specialist_panels: PanelRegistry[Specialist] = PanelRegistry("specialist card", places=("head",))
