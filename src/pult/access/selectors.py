"""Reading roles: only role managers of the workspace see them."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from pult.access.models import Role
from pult.access.policies import can_manage_roles
from pult.accounts.models import User, Workspace
from pult.core.exceptions import NotFound


def role_visible_to(actor: User, workspace: Workspace) -> QuerySet[Role]:
    if not can_manage_roles(actor, workspace):
        return Role.objects.none()
    return Role.objects.filter(workspace=workspace)


def role_list(*, actor: User, workspace: Workspace) -> list[Role]:
    return list(
        role_visible_to(actor, workspace)
        .annotate(member_count=Count("memberships", distinct=True))
        .prefetch_related("grants")
        .order_by("name")
    )


def role_get(*, actor: User, workspace: Workspace, role_id: int) -> Role:
    role = role_visible_to(actor, workspace).prefetch_related("grants").filter(pk=role_id).first()
    if role is None:
        raise NotFound("role")
    return role


def role_choices(*, workspace: Workspace) -> QuerySet[Role]:
    """Roles offered when assigning people (the caller checked manage_members)."""
    return Role.objects.filter(workspace=workspace).order_by("name")
