"""The left menu, drawn from the entries that the apps register.

The ui app knows no app above the kernel. An app puts its pages in the menu by declaring
them in its own `navigation.py`, as a module-level list `ENTRIES` of `NavItem`s — the way
`<app>/permissions.py` declares PERMISSIONS for the permission catalogue. `nav_items()`
imports the `navigation` module of every installed app that has one, once, on first use
(after start-up, so the order in which apps load does not matter), and keeps them in
`position` order. A declared list rather than `register()` calls: nothing happens on
import, the whole menu is a tuple you can print, and it is the same in every worker.

Adding an entry, e.g. for a `bids` app (`src/pult/bids/navigation.py`)::

    from django.utils.translation import gettext_lazy as _

    from pult.bids.permissions import VIEW_BIDS
    from pult.ui.navigation import NavItem, holds_any

    ENTRIES = [
        NavItem("bids", _("Bids"), "bids:bid_list", "scale", holds_any(VIEW_BIDS),
                position=450),
    ]

`position` orders the whole menu; the entries of today sit at hundreds (main 100–1500,
admin 2100–2800), so a new one takes a free number between its neighbours. Each entry
is shown only to those who may open its page (`allowed(request)`), and only in
workspaces that run its section (`section_key`, one of `vocabulary.SECTIONS`; empty:
always on); entries with a `word` are named by the workspace's word ("My requests" on
the design desk, "My orders" elsewhere) instead of `label`. `key` is the `data-nav`
attribute that tests and the browser journeys find the entry by; keys are unique.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from pult.access.policies import has_permission
from pult.accounts.vocabulary import section_on, words_for
from pult.core.http import WorkspaceRequest

# `allowed(request)`: may the request's user open the entry's page?
Allowed = Callable[[Any], bool]


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    icon: str  # a heroicon's name
    allowed: Allowed
    _: KW_ONLY
    position: int  # the order in the menu, lowest first
    section: str = "main"  # the menu group: main or admin
    section_key: str = ""  # the workspace section it belongs to (vocabulary.SECTIONS)
    word: str = ""  # the workspace's word that names it, instead of `label`


def in_workspace(request: Any) -> bool:
    return getattr(request, "workspace", None) is not None


def holds_any(*codes: str) -> Allowed:
    """Allowed to those who hold any of the permission `codes` in the request's workspace."""

    def allowed(request: Any) -> bool:
        workspace = getattr(request, "workspace", None)
        return any(has_permission(request.user, workspace, code) for code in codes)

    return allowed


def by_policy(policy: Callable[[Any, Any], bool]) -> Allowed:
    """Allowed in a workspace where `policy(user, workspace)` says yes."""
    return lambda request: in_workspace(request) and policy(request.user, request.workspace)


ENTRIES = [
    NavItem("home", _("Overview"), "ui:home", "home", in_workspace, position=100),
]


@cache
def nav_items() -> tuple[NavItem, ...]:
    """Every installed app's entries, in menu order."""
    entries: list[NavItem] = []
    for config in apps.get_app_configs():
        # module_has_submodule, not `except ModuleNotFoundError`: an import that fails
        # inside an app's navigation module must fail loudly, not hide its entries.
        if module_has_submodule(config.module, "navigation"):
            entries.extend(import_module(f"{config.name}.navigation").ENTRIES)
    keys = [item.key for item in entries]
    if duplicates := sorted({key for key in keys if keys.count(key) > 1}):
        raise ImproperlyConfigured(f"Menu entries share a key: {', '.join(duplicates)}")
    return tuple(sorted(entries, key=lambda item: (item.position, item.key)))


def visible_nav(request: WorkspaceRequest) -> list[dict[str, object]]:
    current = request.resolver_match.view_name if request.resolver_match else ""
    workspace = getattr(request, "workspace", None)
    words = words_for(workspace)
    items: list[dict[str, Any]] = []
    for item in nav_items():
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
