"""The access app's menu entries (see pult.ui.navigation)."""

from django.utils.translation import gettext_lazy as _

from pult.access.policies import can_manage_roles
from pult.ui.navigation import NavItem, by_policy

ENTRIES = [
    NavItem(
        "roles",
        _("Roles"),
        "access:roles",
        "shield-check",
        by_policy(can_manage_roles),
        position=2300,
        section="admin",
    ),
]
