"""The left navigation: each entry shown only to those who may open its page, and only
in workspaces that run its section (`Workspace.sections`); entries named by the
workspace's words (`word`) say "My requests" on the design desk, "My orders" elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pult.access.policies import can_manage_roles, has_permission
from pult.accounts.policies import (
    can_configure_workspace,
    can_create_workspace,
    can_manage_members,
    can_view_directory,
)
from pult.accounts.vocabulary import section_on, words_for
from pult.activity.permissions import VIEW_FEED
from pult.calendars.permissions import MANAGE_CALENDARS
from pult.core.http import WorkspaceRequest
from pult.newsletters.permissions import SEND as SEND_NEWSLETTERS
from pult.notifications.permissions import MANAGE_RULES
from pult.parties.policies import can_view_clients, can_view_parties
from pult.reports.permissions import VIEW_STATISTICS
from pult.work import permissions as work_permissions


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    icon: str
    allowed: Callable[[Any], bool]
    section: str = "main"  # the menu group: main or admin
    section_key: str = ""  # the workspace section it belongs to (vocabulary.SECTIONS)
    word: str = ""  # the workspace's word that names it, instead of `label`


def _in_workspace(request: Any) -> bool:
    return getattr(request, "workspace", None) is not None


NAV: list[NavItem] = [
    NavItem("home", _("Overview"), "ui:home", "home", _in_workspace),
    NavItem(
        "track",
        "",  # named by the workspace's word, as are the entries with `word=`
        "work:track",
        "queue-list",
        lambda r: has_permission(r.user, r.workspace, work_permissions.SUBMIT),
        section_key="track",
        word="my_items",
    ),
    NavItem(
        "queue",
        _("Queue"),
        "work:queue",
        "inbox-stack",
        lambda r: (
            has_permission(r.user, r.workspace, work_permissions.TAKE)
            or has_permission(r.user, r.workspace, work_permissions.MANAGE)
        ),
        section_key="queue",
    ),
    NavItem(
        "items",
        "",
        "work:item_list",
        "rectangle-stack",
        lambda r: (
            has_permission(r.user, r.workspace, work_permissions.VIEW_ALL)
            or has_permission(r.user, r.workspace, work_permissions.MANAGE)
        ),
        section_key="items",
        word="items",
    ),
    NavItem(
        "statistics",
        _("Statistics"),
        "reports:statistics",
        "chart-bar",
        lambda r: has_permission(r.user, r.workspace, VIEW_STATISTICS),
        section_key="statistics",
    ),
    NavItem(
        "clients",
        _("Clients"),
        "parties:client_list",
        "building-office-2",
        lambda r: _in_workspace(r) and can_view_clients(r.user, r.workspace),
        section_key="clients",
    ),
    NavItem(
        "outlets",
        "",
        "parties:outlet_list",
        "building-storefront",
        lambda r: _in_workspace(r) and can_view_parties(r.user, r.workspace),
        section_key="places",
        word="places",
    ),
    NavItem(
        "specialists",
        "",
        "parties:specialist_list",
        "paint-brush",
        lambda r: _in_workspace(r) and can_view_parties(r.user, r.workspace),
        section_key="specialists",
        word="specialists",
    ),
    NavItem(
        "newsletters",
        _("Newsletters"),
        "newsletters:newsletter_list",
        "envelope",
        lambda r: has_permission(r.user, r.workspace, SEND_NEWSLETTERS),
        section_key="newsletters",
    ),
    NavItem(
        "materials",
        _("Ready materials"),
        "documents:material_list",
        "swatch",
        _in_workspace,
        section_key="materials",
    ),
    NavItem(
        "kb",
        _("Knowledge base"),
        "documents:article_list",
        "book-open",
        _in_workspace,
        section_key="kb",
    ),
    NavItem(
        "agenda",
        _("My calendar"),
        "calendars:agenda",
        "calendar",
        _in_workspace,
        section_key="agenda",
    ),
    NavItem("inbox", _("Notifications"), "notifications:inbox", "bell", _in_workspace),
    NavItem(
        "activity",
        _("Activity"),
        "activity:feed",
        "clock",
        lambda r: has_permission(r.user, r.workspace, VIEW_FEED),
        section_key="activity",
    ),
    NavItem(
        "people",
        _("People"),
        "accounts:people",
        "users",
        lambda r: _in_workspace(r) and can_view_directory(r.user, r.workspace),
    ),
    NavItem(
        "workspace_settings",
        _("Workspace settings"),
        "accounts:workspace_settings",
        "language",
        lambda r: _in_workspace(r) and can_configure_workspace(r.user, r.workspace),
        section="admin",
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
        "pipelines",
        _("Pipelines"),
        "work:pipeline_list",
        "arrows-right-left",
        lambda r: has_permission(r.user, r.workspace, work_permissions.CONFIGURE),
        section="admin",
    ),
    NavItem(
        "visibility",
        _("Order visibility"),
        "work:visibility_grants",
        "eye",
        lambda r: has_permission(r.user, r.workspace, work_permissions.CONFIGURE),
        section="admin",
    ),
    NavItem(
        "calendar",
        _("Business calendar"),
        "calendars:calendar",
        "calendar-days",
        lambda r: has_permission(r.user, r.workspace, MANAGE_CALENDARS),
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
    workspace = getattr(request, "workspace", None)
    words = words_for(workspace)
    items: list[dict[str, Any]] = []
    for item in NAV:
        if item.section_key and not section_on(workspace, item.section_key):
            continue
        if item.allowed(request):
            url = reverse(item.url_name)
            items.append(
                {
                    "key": item.key,
                    "label": words[item.word] if item.word else item.label,
                    "url": url,
                    "icon": item.icon,
                    "section": item.section,
                    "active": current == item.url_name,
                }
            )
    if not any(i["active"] for i in items):
        # A page under a section (an item under its list): the longest matching prefix.
        prefixed = [i for i in items if i["url"] != "/" and request.path.startswith(i["url"])]
        if prefixed:
            max(prefixed, key=lambda i: len(i["url"]))["active"] = True
    return items
