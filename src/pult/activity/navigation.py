"""The activity app's menu entries (see pult.ui.navigation)."""

from django.utils.translation import gettext_lazy as _

from pult.activity.permissions import VIEW_FEED
from pult.ui.navigation import NavItem, holds_any

ENTRIES = [
    NavItem(
        "activity",
        _("Activity"),
        "activity:feed",
        "clock",
        holds_any(VIEW_FEED),
        position=1400,
        section_key="activity",
    ),
]
