"""The orders app's menu entries (see pult.ui.navigation)."""

from django.utils.translation import gettext_lazy as _

from pult.ui.navigation import NavItem, holds_any
from pult.work.permissions import CONFIGURE

ENTRIES = [
    # The page opens to those who may configure the pipelines (`can_configure_pipeline`).
    NavItem(
        "visibility",
        _("Order visibility"),
        "orders:visibility_grants",
        "eye",
        holds_any(CONFIGURE),
        position=2600,
        section="admin",
    ),
]
