"""Inbox reads: a person sees only their own notifications of the current workspace."""

from __future__ import annotations

from django.db.models import QuerySet

from pult.accounts.models import User, Workspace
from pult.activity.describe import prepare_for_reading
from pult.core.pagination import KeysetPage, keyset_page
from pult.notifications.models import Notification, NotificationPreference, NotificationRule
from pult.notifications.services import unread_count


def notification_visible_to(actor: User, workspace: Workspace) -> QuerySet[Notification]:
    return Notification.objects.filter(workspace=workspace, recipient=actor, in_app=True)


def inbox_page(
    *,
    actor: User,
    workspace: Workspace,
    cursor: int | None,
    unread_only: bool = False,
    page_size: int = 30,
) -> KeysetPage[Notification]:
    notifications = notification_visible_to(actor, workspace).select_related(
        "event", "event__actor", "event__target_type"
    )
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = keyset_page(notifications, cursor=cursor, page_size=page_size)
    # What the page's sentences need, read once for the page (not once per row).
    prepare_for_reading([n.event for n in page.rows], actor, workspace)
    return page


def inbox_unread(*, actor: User, workspace: Workspace) -> int:
    return unread_count(user_id=actor.pk, workspace_id=workspace.pk)


def preferences_of(*, actor: User, workspace: Workspace) -> dict[str, NotificationPreference]:
    return {
        p.verb: p for p in NotificationPreference.objects.filter(user=actor, workspace=workspace)
    }


def rule_list(*, workspace: Workspace) -> list[NotificationRule]:
    """Rules of the workspace (the caller checked manage_rules)."""
    return list(
        NotificationRule.objects.filter(workspace=workspace)
        .prefetch_related("users", "roles", "departments")
        .order_by("verb", "pk")[:500]
    )
