"""What the apps above the engine add to work's pages, which may not import them.

- `item_panels`: the cards of the item page, in its "main" column (under the task and
  the stages) or its "side" column (under people and dates). The chat, the files, the
  documents and an order's client and contract come from their own apps.
- `item_list_actions`: buttons in the head of the item list (orders' "New order");
  the context function gets the list's item type.

Each app registers in its `AppConfig.ready()`, e.g. (chat/apps.py)::

    from pult.work.panels import item_panels
    item_panels.register(
        "chat.chat", template="chat/_item_chat.html", context=panels.item_chat, where="main"
    )

See `pult.ui.panels` for what a context function may cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.ui.panels import PanelRegistry

if TYPE_CHECKING:
    from pult.work.models import Item, ItemType

item_panels: PanelRegistry[Item] = PanelRegistry("item page", places=("main", "side"))
item_list_actions: PanelRegistry[ItemType] = PanelRegistry("item list", places=("head",))
