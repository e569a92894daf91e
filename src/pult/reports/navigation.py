"""The reports app's menu entries (see pult.ui.navigation)."""

from django.utils.translation import gettext_lazy as _

from pult.reports.permissions import VIEW_STATISTICS
from pult.ui.navigation import NavItem, holds_any

ENTRIES = [
    NavItem(
        "statistics",
        _("Statistics"),
        "reports:statistics",
        "chart-bar",
        holds_any(VIEW_STATISTICS),
        position=500,
        section_key="statistics",
    ),
]
