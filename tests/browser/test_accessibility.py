"""axe-core on the main pages: no serious or critical accessibility violations."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import log_in
from tests.factories import make_workspace

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
ADMIN_PAGES = [
    "/",
    "/accounts/profile/",
    "/people/",
    "/roles/",
    "/notifications/",
    "/activity/",
    "/notifications/settings/",
    "/settings/workspace/",
]


def blocking_violations(page: Page) -> list[dict[str, Any]]:
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def describe(url: str, violations: list[dict[str, Any]]) -> str:
    """A report a developer can act on: rule, what it asks, and where."""
    lines = [f"{len(violations)} serious/critical axe violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)


def test_login_page_is_accessible(page: Page) -> None:
    page.goto("/accounts/login/")
    violations = blocking_violations(page)
    assert not violations, describe("/accounts/login/", violations)


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_page_is_accessible(page: Page, url: str) -> None:
    _, admin = make_workspace("Acme")
    log_in(page, admin.email)
    response = page.goto(url)
    assert response is not None and response.status == 200
    violations = blocking_violations(page)
    assert not violations, describe(url, violations)
