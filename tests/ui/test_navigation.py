"""The left menu: the apps register its entries (pult.ui.navigation); the kernel's ui
app draws them without knowing any app above the kernel."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

import pult
from pult.accounts.models import Workspace
from pult.reports.permissions import VIEW_STATISTICS
from pult.ui import navigation
from pult.ui.navigation import nav_items
from tests.conftest import login
from tests.factories import make_member, make_workspace

KERNEL = {"core", "accounts", "access", "activity", "notifications", "ui"}
UI = Path(pult.__file__).parent / "ui"

# The menu of a workspace that runs every section, for its administrator (an installation
# admin): the order the entries had when they were one list in the kernel.
MAIN = [
    "home",
    "track",
    "queue",
    "items",
    "statistics",
    "clients",
    "outlets",
    "specialists",
    "newsletters",
    "materials",
    "kb",
    "agenda",
    "inbox",
    "activity",
    "people",
]
ADMIN = [
    "workspace_settings",
    "departments",
    "roles",
    "rules",
    "pipelines",
    "visibility",
    "calendar",
    "workspaces",
]


def _menu(client: Client, url: str = "/") -> tuple[list[str], list[str]]:
    """The sidebar's entry keys: (main, administration), in order."""
    page = client.get(url).content.decode()
    sidebar = page.split('<aside class="sidebar"', 1)[1].split("</aside>", 1)[0]
    main, _sep, admin = sidebar.partition('class="nav-section"')
    keys = re.compile(r'data-nav="([\w-]+)"')
    return keys.findall(main), keys.findall(admin)


def _imported_modules(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            # import_module("pult.<app>.navigation") would be an import all the same.
            yield str(node.args[0].value)


def test_the_ui_app_imports_no_app_above_the_kernel() -> None:
    above = []
    for path in sorted(UI.rglob("*.py")):
        for module in _imported_modules(path):
            parts = module.split(".")
            if parts[0] == "pult" and len(parts) > 1 and parts[1] not in KERNEL:
                above.append(f"{path.relative_to(UI.parent)}: {module}")
    assert not above, above


def test_every_entry_opens_a_page_under_a_unique_key() -> None:
    items = nav_items()
    keys = [item.key for item in items]
    assert len(keys) == len(set(keys)), keys
    positions = [item.position for item in items]
    assert positions == sorted(positions)
    for item in items:
        assert reverse(item.url_name)
        assert item.section in {"main", "admin"}, item


def test_each_app_declares_its_own_entries() -> None:
    owners = {
        item.key: app.label
        for app in apps.get_app_configs()
        for item in getattr(_navigation_of(app.name), "ENTRIES", [])
    }
    assert owners["home"] == "ui"
    assert owners["people"] == owners["workspaces"] == "accounts"
    assert owners["roles"] == "access"
    assert owners["clients"] == owners["outlets"] == "parties"
    assert owners["statistics"] == "reports"
    assert owners["visibility"] == "orders"
    assert owners["agenda"] == owners["calendar"] == "calendars"
    assert owners["pipelines"] == "pipelines"


def _navigation_of(app_name: str) -> object:
    try:
        return import_module(f"{app_name}.navigation")
    except ModuleNotFoundError:
        return None


@pytest.mark.django_db
def test_the_menu_keeps_its_order(client: Client) -> None:
    _workspace, admin = make_workspace()
    assert _menu(login(client, admin)) == (MAIN, ADMIN)


@pytest.fixture
def new_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """tests/ui/nav_app installed, as far as the menu can tell."""
    installed = apps.get_app_configs()
    app = SimpleNamespace(
        name="tests.ui.nav_app", label="nav_app", module=import_module("tests.ui.nav_app")
    )
    monkeypatch.setattr(
        navigation, "apps", SimpleNamespace(get_app_configs=lambda: [*installed, app])
    )
    nav_items.cache_clear()
    yield
    nav_items.cache_clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("new_app")
def test_a_new_app_adds_its_entry_to_the_menu(client: Client) -> None:
    workspace, admin = make_workspace()
    main, _admin = _menu(login(client, admin))
    assert main == [*MAIN[:4], "bids", *MAIN[4:]]  # by its position
    page = client.get("/search/?q=x").content.decode()
    assert re.search(
        r'data-nav="bids" aria-current="page">.*?<span class="label">Sealed bids</span>',
        page,
        re.S,
    )

    # Its policy: only those who hold the permission see it.
    client.logout()
    login(client, make_member(workspace, [VIEW_STATISTICS]))
    assert "bids" in _menu(client)[0]
    client.logout()
    login(client, make_member(workspace, []))
    assert "bids" not in _menu(client)[0]

    # Its section: off where the workspace does not run the statistics.
    client.logout()
    Workspace.objects.filter(pk=workspace.pk).update(sections=["items"])
    assert "bids" not in _menu(login(client, admin))[0]
