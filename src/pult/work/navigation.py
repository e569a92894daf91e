"""The work engine's menu entries (see pult.ui.navigation)."""

from pult.ui.navigation import NavItem, holds_any
from pult.work.permissions import MANAGE, VIEW_ALL

ENTRIES = [
    NavItem(
        "items",
        "",  # named by the workspace's word, as are the entries with `word=`
        "work:item_list",
        "rectangle-stack",
        holds_any(VIEW_ALL, MANAGE),
        position=400,
        section_key="items",
        word="items",
    ),
]
