"""What a new app writes to add a menu entry: its ENTRIES (see pult.ui.navigation)."""

from pult.reports.permissions import VIEW_STATISTICS
from pult.ui.navigation import NavItem, holds_any

ENTRIES = [
    NavItem(
        "bids",
        "Sealed bids",
        "ui:search",  # any page will do: the test looks at the menu
        "scale",
        holds_any(VIEW_STATISTICS),
        position=450,  # after the items (400), before the statistics (500)
        section_key="statistics",
    ),
]
