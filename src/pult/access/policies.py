"""Who may do what, as pure functions over the actor's workspace roles.

Services enforce these; templates use them to show or hide menus and buttons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.access.permissions import MANAGE_ROLES

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

_CACHE_ATTR = "_pult_permission_cache"


def _grants(user: User, workspace: Workspace) -> tuple[frozenset[int], frozenset[str]]:
    """The user's role ids and permission codes in the workspace: one query (roles
    left-joined with their grants, so a role without permissions still counts), then
    cached on the user object for the request."""
    cache: dict[int, tuple[frozenset[int], frozenset[str]]] = user.__dict__.setdefault(
        _CACHE_ATTR, {}
    )
    if workspace.pk not in cache:
        from pult.access.models import Role

        rows = list(
            Role.objects.filter(
                workspace=workspace,
                memberships__user=user,
                memberships__workspace=workspace,
                memberships__is_active=True,
            ).values_list("pk", "grants__code")
        )
        cache[workspace.pk] = (
            frozenset(role for role, _code in rows),
            frozenset(code for _role, code in rows if code),
        )
    return cache[workspace.pk]


def permission_codes(user: User, workspace: Workspace | None) -> frozenset[str]:
    """The codes the user holds in the workspace."""
    if workspace is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return _grants(user, workspace)[1]


def role_ids(user: User, workspace: Workspace | None) -> frozenset[int]:
    """The ids of the user's roles in the workspace (active membership only)."""
    if workspace is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return _grants(user, workspace)[0]


def forget_permissions(user: User) -> None:
    user.__dict__.pop(_CACHE_ATTR, None)


def has_permission(user: User, workspace: Workspace | None, code: str) -> bool:
    return code in permission_codes(user, workspace)


def can_manage_roles(actor: User, workspace: Workspace | None) -> bool:
    return has_permission(actor, workspace, MANAGE_ROLES)
