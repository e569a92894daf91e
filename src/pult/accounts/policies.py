"""Who may see and manage people in a workspace."""

from __future__ import annotations

from pult.access.policies import has_permission
from pult.accounts.models import Membership, User, Workspace
from pult.accounts.permissions import CONFIGURE_WORKSPACE, MANAGE_MEMBERS, VIEW_DIRECTORY


def can_view_directory(actor: User, workspace: Workspace | None) -> bool:
    return has_permission(actor, workspace, VIEW_DIRECTORY) or can_manage_members(actor, workspace)


def can_manage_members(actor: User, workspace: Workspace | None) -> bool:
    return has_permission(actor, workspace, MANAGE_MEMBERS)


def can_configure_workspace(actor: User, workspace: Workspace | None) -> bool:
    """The workspace's words and menu sections: its administrator."""
    return has_permission(actor, workspace, CONFIGURE_WORKSPACE)


def can_view_member(actor: User, membership: Membership) -> bool:
    return membership.user_id == actor.pk or can_view_directory(actor, membership.workspace)


def can_create_workspace(actor: User) -> bool:
    """Only the installation admin hosts new organisations."""
    return bool(actor.is_authenticated and actor.is_active and actor.is_superuser)
