"""Role writes: the matrix of who holds which permission, edited in the UI."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pult.access.catalogue import all_codes
from pult.access.models import Role, RolePermission
from pult.access.permissions import MANAGE_ROLES
from pult.access.policies import can_manage_roles, forget_permissions
from pult.accounts.models import User, Workspace
from pult.activity.services import event_record
from pult.core.exceptions import DomainError, NotFound
from pult.core.locking import locked

ROLE_NOT_FOUND = gettext_lazy("Role not found.")


def _clean(name: str, codes: Iterable[str]) -> tuple[str, set[str]]:
    name = name.strip()
    if not name:
        raise DomainError(_("Enter a name."), field_errors={"name": [_("This field is required.")]})
    if len(name) > 120:
        raise DomainError(
            _("The name is too long."), field_errors={"name": [_("At most 120 characters.")]}
        )
    codes = set(codes)
    if unknown := codes - all_codes():
        raise DomainError(
            _("Unknown permissions: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
        )
    return name, codes


def _name_taken(workspace: Workspace, name: str, exclude_id: int | None = None) -> bool:
    roles = Role.objects.filter(workspace=workspace, name__iexact=name)
    if exclude_id is not None:
        roles = roles.exclude(pk=exclude_id)
    return roles.exists()


def _taken_error() -> DomainError:
    return DomainError(
        _("A role with this name already exists."),
        field_errors={"name": [_("A role with this name already exists.")]},
    )


@transaction.atomic
def role_create(
    *,
    actor: User | None,
    workspace: Workspace,
    name: str,
    codes: Iterable[str],
    description: str = "",
    name_ru: str = "",
) -> Role:
    """Create a role holding exactly `codes`. `actor=None`: a preset loader."""
    if actor is not None and not can_manage_roles(actor, workspace):
        raise NotFound(_("Page not found."))
    name, code_set = _clean(name, codes)
    if _name_taken(workspace, name):
        raise _taken_error()
    try:
        with transaction.atomic():
            role = Role.objects.create(
                workspace=workspace,
                name=name,
                name_ru=name_ru.strip(),
                description=description.strip(),
            )
    except IntegrityError as error:
        raise _taken_error() from error
    RolePermission.objects.bulk_create(RolePermission(role=role, code=c) for c in sorted(code_set))
    event_record(
        actor=actor,
        workspace=workspace,
        verb="access.role_created",
        target=role,
        payload={"permissions": sorted(code_set)},
    )
    return role


@transaction.atomic
def role_update(
    *,
    actor: User,
    workspace: Workspace,
    role_id: int,
    name: str,
    codes: Iterable[str],
    description: str = "",
) -> Role:
    """Rename a role and set exactly which permissions it holds."""
    if not can_manage_roles(actor, workspace):
        raise NotFound(_("Page not found."))
    role = locked(Role.objects.filter(workspace=workspace), role_id, not_found=ROLE_NOT_FOUND)
    name, code_set = _clean(name, codes)
    if _name_taken(workspace, name, exclude_id=role.pk):
        raise _taken_error()
    before = set(role.grants.values_list("code", flat=True))
    if MANAGE_ROLES in before - code_set and _would_lock_out(workspace, role):
        raise DomainError(_("At least one active member must keep the right to manage roles."))
    role.name = name
    role.description = description.strip()
    role.save(update_fields=["name", "description"])
    role.grants.exclude(code__in=code_set).delete()
    RolePermission.objects.bulk_create(
        (RolePermission(role=role, code=c) for c in sorted(code_set - before)),
        ignore_conflicts=True,
    )
    forget_permissions(actor)
    event_record(
        actor=actor,
        workspace=workspace,
        verb="access.role_changed",
        target=role,
        payload={"added": sorted(code_set - before), "removed": sorted(before - code_set)},
    )
    return role


def _would_lock_out(workspace: Workspace, role: Role) -> bool:
    """True when no other role with manage_roles has an active member."""
    return not (
        Role.objects.filter(
            workspace=workspace,
            grants__code=MANAGE_ROLES,
            memberships__is_active=True,
        )
        .exclude(pk=role.pk)
        .exists()
    )


@transaction.atomic
def role_delete(*, actor: User, workspace: Workspace, role_id: int) -> None:
    """Delete a role; its holders lose its permissions at once."""
    if not can_manage_roles(actor, workspace):
        raise NotFound(_("Page not found."))
    role = locked(Role.objects.filter(workspace=workspace), role_id, not_found=ROLE_NOT_FOUND)
    if role.grants.filter(code=MANAGE_ROLES).exists() and _would_lock_out(workspace, role):
        raise DomainError(_("At least one active member must keep the right to manage roles."))
    event_record(
        actor=actor, workspace=workspace, verb="access.role_deleted", payload={"name": role.name}
    )
    role.delete()
    forget_permissions(actor)
