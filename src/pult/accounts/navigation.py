"""The accounts app's menu entries (see pult.ui.navigation)."""

from django.utils.translation import gettext_lazy as _

from pult.accounts.policies import (
    can_configure_workspace,
    can_create_workspace,
    can_manage_members,
    can_view_directory,
)
from pult.ui.navigation import NavItem, by_policy

ENTRIES = [
    NavItem(
        "people",
        _("People"),
        "accounts:people",
        "users",
        by_policy(can_view_directory),
        position=1500,
    ),
    NavItem(
        "workspace_settings",
        _("Workspace settings"),
        "accounts:workspace_settings",
        "language",
        by_policy(can_configure_workspace),
        position=2100,
        section="admin",
    ),
    NavItem(
        "departments",
        _("Departments"),
        "accounts:departments",
        "building-office",
        by_policy(can_manage_members),
        position=2200,
        section="admin",
    ),
    NavItem(
        "workspaces",
        _("Workspaces"),
        "accounts:workspaces",
        "squares-2x2",
        # The installation's admin, in a workspace or not.
        lambda request: can_create_workspace(request.user),
        position=2800,
        section="admin",
    ),
]
