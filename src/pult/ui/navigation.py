"""The left navigation: each entry shown only to those who may open its page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pult.access.policies import can_manage_roles, has_permission
from pult.accounts.policies import can_create_workspace, can_manage_members, can_view_directory
from pult.activity.permissions import VIEW_FEED
from pult.core.http import WorkspaceRequest
from pult.notifications.permissions import MANAGE_RULES


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    icon: str
    allowed: Callable[[Any], bool]
    section: str = "main"


def _in_workspace(request: Any) -> bool:
    return getattr(request, "workspace", None) is not None


NAV: list[NavItem] = [
    NavItem("home", _("Overview"), "ui:home", "home", _in_workspace),
    NavItem("inbox", _("Notifications"), "notifications:inbox", "bell", _in_workspace),
    NavItem(
        "activity",
        _("Activity"),
        "activity:feed",
        "clock",
        lambda r: has_permission(r.user, r.workspace, VIEW_FEED),
    ),
    NavItem(
        "people",
        _("People"),
        "accounts:people",
        "users",
        lambda r: _in_workspace(r) and can_view_directory(r.user, r.workspace),
    ),
    NavItem(
        "departments",
        _("Departments"),
        "accounts:departments",
        "building-office",
        lambda r: _in_workspace(r) and can_manage_members(r.user, r.workspace),
        section="admin",
    ),
    NavItem(
        "roles",
        _("Roles"),
        "access:roles",
        "shield-check",
        lambda r: _in_workspace(r) and can_manage_roles(r.user, r.workspace),
        section="admin",
    ),
    NavItem(
        "rules",
        _("Notification rules"),
        "notifications:rules",
        "bell-alert",
        lambda r: has_permission(r.user, r.workspace, MANAGE_RULES),
        section="admin",
    ),
    NavItem(
        "workspaces",
        _("Workspaces"),
        "accounts:workspaces",
        "squares-2x2",
        lambda r: can_create_workspace(r.user),
        section="admin",
    ),
]


def visible_nav(request: WorkspaceRequest) -> list[dict[str, object]]:
    current = request.resolver_match.view_name if request.resolver_match else ""
    items: list[dict[str, Any]] = []
    for item in NAV:
        if item.allowed(request):
            url = reverse(item.url_name)
            items.append(
                {
                    "key": item.key,
                    "label": item.label,
                    "url": url,
                    "icon": item.icon,
                    "section": item.section,
                    "active": current == item.url_name
                    or (item.url_name != "ui:home" and request.path.startswith(url)),
                }
            )
    return items
