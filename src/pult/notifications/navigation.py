"""The notifications app's menu entries (see pult.ui.navigation)."""

from django.utils.translation import gettext_lazy as _

from pult.notifications.permissions import MANAGE_RULES
from pult.ui.navigation import NavItem, holds_any, in_workspace

ENTRIES = [
    NavItem(
        "inbox", _("Notifications"), "notifications:inbox", "bell", in_workspace, position=1300
    ),
    NavItem(
        "rules",
        _("Notification rules"),
        "notifications:rules",
        "bell-alert",
        holds_any(MANAGE_RULES),
        position=2400,
        section="admin",
    ),
]
