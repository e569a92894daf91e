"""Who may change a business calendar: pure functions over the actor's roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.access.policies import has_permission
from pult.calendars.permissions import MANAGE_CALENDARS

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.calendars.models import Reminder


def can_manage_calendars(actor: User, workspace: Workspace) -> bool:
    return has_permission(actor, workspace, MANAGE_CALENDARS)


def can_set_reminder(actor: User, workspace: Workspace, user: User, target: object = None) -> bool:
    """Anyone for themself; for another member: a calendar manager, or the manager of
    the thing the reminder is about (a client's manager reminds a colleague of it)."""
    if actor.pk == user.pk or can_manage_calendars(actor, workspace):
        return True
    return target is not None and getattr(target, "manager_id", None) == actor.pk


def can_change_reminder(actor: User, workspace: Workspace, reminder: Reminder) -> bool:
    """Done and cancel: the person reminded, whoever set it, or a calendar manager."""
    return actor.pk in (reminder.user_id, reminder.created_by_id) or can_manage_calendars(
        actor, workspace
    )
