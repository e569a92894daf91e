"""One journey through the shell in a real browser: an admin sets up a role and a
person; the person sees only what the role allows, in the language they pick."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from pult.access.models import RolePermission
from pult.accounts.models import User
from tests.browser.conftest import log_in
from tests.factories import make_workspace

pytestmark = pytest.mark.browser

RITA_EMAIL = "rita@example.com"
RITA_PASSWORD = "quiet-harbor-77"
REVIEWER_CODES = {"accounts.view_directory", "activity.view_feed"}


def test_admin_sets_up_a_reviewer_who_sees_only_her_part(
    page: Page, new_page: Callable[..., Page]
) -> None:
    workspace, admin = make_workspace("Acme")

    # --- The admin logs in and creates a role through the navigation.
    log_in(page, admin.email)
    expect(page.locator("[data-current-workspace]")).to_have_text("Acme")

    page.locator('.sidebar [data-nav="roles"]').click()
    expect(page).to_have_url(re.compile(r"/roles/$"))
    page.get_by_role("link", name="New role").click()
    page.locator("input[name=name]").fill("Reviewer")
    for code in sorted(REVIEWER_CODES):
        page.locator(f'input[name=codes][value="{code}"]').check()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(re.compile(r"/roles/$"))
    expect(page.locator("table.matrix thead")).to_contain_text("Reviewer")
    codes = set(
        RolePermission.objects.filter(role__workspace=workspace, role__name="Reviewer").values_list(
            "code", flat=True
        )
    )
    assert codes == REVIEWER_CODES

    # --- The admin adds Rita with that role; a bad e-mail is refused first.
    page.locator('.sidebar [data-nav="people"]').click()
    expect(page).to_have_url(re.compile(r"/people/$"))
    page.get_by_role("link", name="Add a person").click()
    page.locator("input[name=full_name]").fill("Rita Reviewer")
    page.locator("input[name=email]").fill("rita-at-example")
    page.locator("input[name=phone]").fill("+7 912 345-67-89")
    page.locator("input[name=position]").fill("Quality reviewer")
    page.locator("input[name=roles]").and_(page.get_by_label("Reviewer")).check()
    page.locator("input[name=password]").fill(RITA_PASSWORD)
    page.get_by_role("button", name="Add", exact=True).click()

    summary = page.locator("[data-form-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("E-mail")
    assert not User.objects.filter(full_name="Rita Reviewer").exists()

    # The password is not sent back to the browser, so it is typed again.
    page.locator("input[name=email]").fill(RITA_EMAIL)
    page.locator("input[name=password]").fill(RITA_PASSWORD)
    expect(page.locator("input[name=roles]").and_(page.get_by_label("Reviewer"))).to_be_checked()
    page.get_by_role("button", name="Add", exact=True).click()

    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rita Reviewer")

    # --- The admin logs out through the user menu.
    page.locator("details.user-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # --- Rita sees the sections her role allows, and no administration.
    log_in(page, RITA_EMAIL, RITA_PASSWORD)
    sidebar = page.locator(".sidebar")
    for key in ("home", "inbox", "activity", "people"):
        expect(sidebar.locator(f'[data-nav="{key}"]')).to_be_visible()
    for key in ("roles", "departments", "rules", "workspaces"):
        expect(page.locator(f'[data-nav="{key}"]')).to_have_count(0)

    # Typing the address is no way around the navigation.
    response = page.goto("/roles/")
    assert response is not None and response.status == 403
    expect(page.locator("main")).not_to_contain_text("Reviewer")
    response = page.goto("/notifications/rules/")
    assert response is not None and response.status == 403

    # --- Rita switches to Russian; the switcher submits itself.
    page.goto("/")
    with page.expect_navigation():
        page.locator("select#language-select").select_option("ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    with translation.override("ru"):
        notifications_ru = translation.gettext("Notifications")
    assert notifications_ru != "Notifications", "the Russian catalog lacks “Notifications”"
    expect(sidebar.locator('[data-nav="inbox"]')).to_have_text(notifications_ru)

    # Saved on her profile, not just in this browser: a fresh one is Russian too.
    assert User.objects.get(email=RITA_EMAIL).locale == "ru"
    fresh = new_page()
    log_in(fresh, RITA_EMAIL, RITA_PASSWORD)
    expect(fresh.locator("html")).to_have_attribute("lang", "ru")

    # --- On a phone the sidebar gives way to the bottom bar.
    phone = new_page(viewport={"width": 375, "height": 740})
    log_in(phone, RITA_EMAIL, RITA_PASSWORD)
    expect(phone.locator(".sidebar")).to_be_hidden()
    expect(phone.locator(".bottom-bar")).to_be_visible()
