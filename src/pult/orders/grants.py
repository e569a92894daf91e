"""Visibility grants (P2): which department or role sees which managers' orders.

Small enough for one module: the list read and the two writes. The rule itself is
applied in `selectors.item_visible_to`; only holders of `work.configure` manage grants.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.work import policies
from pult.work.models import VisibilityGrant

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def grantable_managers(workspace: Workspace) -> QuerySet[User]:
    """Active members of the workspace: whose orders may be granted."""
    from pult.accounts.models import User

    return User.objects.filter(
        is_active=True, memberships__workspace=workspace, memberships__is_active=True
    ).order_by("full_name", "pk")


def visibility_grant_list(*, actor: User, workspace: Workspace) -> list[VisibilityGrant]:
    if not policies.can_configure_pipeline(actor, workspace):
        raise Forbidden(_("You may not manage visibility grants."))
    from pult.accounts.models import User

    managers = Prefetch("managers", queryset=User.objects.order_by("full_name", "pk"))
    return list(
        VisibilityGrant.objects.filter(workspace=workspace)
        .select_related("department", "role")
        .prefetch_related(managers)
        .order_by("pk")
    )


@transaction.atomic
def visibility_grant_create(
    *,
    actor: User,
    workspace: Workspace,
    department_id: int | None,
    role_id: int | None,
    manager_ids: Sequence[int],
) -> VisibilityGrant:
    """Let one department or one role see the orders of these managers."""
    from pult.access.models import Role
    from pult.accounts.models import Department

    if not policies.can_configure_pipeline(actor, workspace):
        raise Forbidden(_("You may not manage visibility grants."))
    if (department_id is None) == (role_id is None):
        raise DomainError(_("Choose either a department or a role."))
    department = role = None
    if department_id is not None:
        department = Department.objects.filter(workspace=workspace, pk=department_id).first()
        if department is None:
            raise NotFound(_("Not found."))
    if role_id is not None:
        role = Role.objects.filter(workspace=workspace, pk=role_id).first()
        if role is None:
            raise NotFound(_("Not found."))
    managers = list(grantable_managers(workspace).filter(pk__in=list(manager_ids)))
    if not managers or len(managers) != len(set(manager_ids)):
        raise DomainError(_("Choose the managers whose orders are shown."))
    grant = VisibilityGrant.objects.create(workspace=workspace, department=department, role=role)
    grant.managers.set(managers)
    return grant


@transaction.atomic
def visibility_grant_delete(*, actor: User, workspace: Workspace, grant_id: int) -> None:
    """Withdraw a grant; its holders stop seeing those orders at once (next query)."""
    if not policies.can_configure_pipeline(actor, workspace):
        raise Forbidden(_("You may not manage visibility grants."))
    deleted, _rows = VisibilityGrant.objects.filter(workspace=workspace, pk=grant_id).delete()
    if not deleted:
        raise NotFound(_("Not found."))
