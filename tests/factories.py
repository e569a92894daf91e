"""Factories shared by the tests: real rows through the real services."""

from __future__ import annotations

import itertools

from pult.access.models import Role
from pult.access.services import role_create
from pult.accounts.models import Department, Membership, User, Workspace
from pult.accounts.services import member_add, workspace_create

PASSWORD = "correct-horse-42"
_counter = itertools.count(1)


def make_admin(email: str = "", **fields: object) -> User:
    """An installation admin (superuser)."""
    n = next(_counter)
    return User.objects.create_superuser(
        email or f"admin{n}@example.com", PASSWORD, full_name=f"Admin {n}", **fields
    )


def make_workspace(name: str = "", admin: User | None = None) -> tuple[Workspace, User]:
    """A workspace and its administrator (who holds every permission in it)."""
    n = next(_counter)
    admin = admin or make_admin()
    workspace = workspace_create(actor=admin, name=name or f"Workspace {n}", slug=f"ws-{n}")
    return workspace, admin


def make_role(workspace: Workspace, codes: list[str], name: str = "") -> Role:
    return role_create(
        actor=None, workspace=workspace, name=name or f"Role {next(_counter)}", codes=codes
    )


def make_member(
    workspace: Workspace,
    codes: list[str] | None = None,
    *,
    email: str = "",
    full_name: str = "",
    department: Department | None = None,
    roles: list[Role] | None = None,
) -> User:
    """A member holding exactly `codes` (through a role made for them) or `roles`."""
    n = next(_counter)
    if roles is None:
        roles = [make_role(workspace, codes or [])] if codes is not None else []
    membership: Membership = member_add(
        actor=None,
        workspace=workspace,
        email=email or f"user{n}@example.com",
        full_name=full_name or f"Member Number{n}",
        password=PASSWORD,
        phone="+7 900 123-45-67",
        position="Specialist",
        department=department,
        roles=roles,
    )
    return membership.user


def notify_of_role_change(workspace: Workspace, admin: User, member: User) -> None:
    """A rule "tell the person concerned when their roles change", then such a change:
    the member gets one notification (in-app and e-mail)."""
    from pult.accounts.services import member_update
    from pult.notifications.models import NotificationRule

    NotificationRule.objects.get_or_create(
        workspace=workspace, verb="accounts.member_changed", participants=True
    )
    member_update(
        actor=admin,
        workspace=workspace,
        user_id=member.pk,
        roles=list(Role.objects.filter(workspace=workspace)),
        department=None,
        is_active=True,
    )
    from tests.conftest import dispatch_notifications

    dispatch_notifications()  # what the worker does once the change commits
