"""Who may do what, as pure functions over the actor's workspace roles.

Services enforce these; templates use them to show or hide menus and buttons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.access.permissions import MANAGE_ROLES

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

_CACHE_ATTR = "_pult_permission_cache"


def permission_codes(user: User, workspace: Workspace | None) -> frozenset[str]:
    """The codes the user holds in the workspace (one query, then cached on the user)."""
    if workspace is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault(_CACHE_ATTR, {})
    if workspace.pk not in cache:
        from pult.access.models import RolePermission

        cache[workspace.pk] = frozenset(
            RolePermission.objects.filter(
                role__workspace=workspace,
                role__memberships__user=user,
                role__memberships__workspace=workspace,
                role__memberships__is_active=True,
            ).values_list("code", flat=True)
        )
    return cache[workspace.pk]


def forget_permissions(user: User) -> None:
    user.__dict__.pop(_CACHE_ATTR, None)


def has_permission(user: User, workspace: Workspace | None, code: str) -> bool:
    return code in permission_codes(user, workspace)


def can_manage_roles(actor: User, workspace: Workspace | None) -> bool:
    return has_permission(actor, workspace, MANAGE_ROLES)
