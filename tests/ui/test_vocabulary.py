"""Each workspace speaks its own business's language (F-WORDS): the words for its items,
requester, specialists, places and files come from its preset, in English and Russian,
its administrator edits them, and the menu shows only the sections the preset runs."""

from __future__ import annotations

import html
import importlib
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pult.accounts.models import User, Workspace
from pult.accounts.services import member_add, workspace_words_set
from pult.accounts.vocabulary import SECTION_KEYS, WORD_KEYS, Words, section_on, words_for
from pult.activity.models import Event
from pult.core.exceptions import NotFound
from pult.presets.services import preset_data, preset_load
from tests.conftest import login
from tests.factories import make_workspace
from tests.work import test_stages
from tests.work.conftest import Desk
from tests.work.test_stages import Office

pytestmark = pytest.mark.django_db
office = test_stages.office  # the expertise-orders (P2) fixture, shared

DESK_WORDS_ON_ORDERS = ("My requests", "Queue", "Outlets", "Specialists", "Ready materials")


def _menu(client: Client, url: str = "/") -> dict[str, str]:
    """The sidebar: data-nav key -> label as the reader sees it."""
    page = client.get(url).content.decode()
    sidebar = page.split('<aside class="sidebar"', 1)[1].split("</aside>", 1)[0]
    entries = re.findall(
        r'data-nav="([\w-]+)"[^>]*>.*?<span class="label">(.*?)</span>', sidebar, re.S
    )
    return {key: html.unescape(label) for key, label in entries}


def _as(client: Client, user: User, language: str = "en") -> Client:
    login(client, user)
    User.objects.filter(pk=user.pk).update(locale=language)
    return client


def test_the_orders_menu_has_only_its_sections_in_its_own_words(
    client: Client, office: Office
) -> None:
    # The director holds every permission of the preset: only sections limit the menu.
    menu = _menu(_as(client, office.director))
    labels = set(menu.values())
    assert not labels & set(DESK_WORDS_ON_ORDERS), labels
    assert {"queue", "track", "outlets", "specialists", "materials"}.isdisjoint(menu)
    assert menu["items"] == "Orders"
    assert {"clients", "agenda", "statistics", "activity"} <= set(menu)

    User.objects.filter(pk=office.director.pk).update(locale="ru")
    menu = _menu(client)
    assert menu["items"] == "Заказы"
    assert not set(menu.values()) & {"Мои заявки", "Очередь", "Точки", "Готовые материалы"}


def test_the_order_page_names_neither_requester_nor_specialist_nor_the_desks_files(
    client: Client, office: Office
) -> None:
    order = office.order()
    page = _as(client, office.director).get(f"/items/{order.pk}/").content.decode()
    for word in ("Requester", "Specialist", "Outlet"):
        assert f">{word}<" not in page, word
    for word in ("applicant", "designer", "PSD", "layout source", "franchise"):
        assert word not in page.lower(), word
    assert "<dt>Author</dt>" in page and "<dt>Expert</dt>" in page
    assert "Working files" in page and "Conclusions" in page

    User.objects.filter(pk=office.director.pk).update(locale="ru")
    page = client.get(f"/items/{order.pk}/").content.decode()
    assert "<dt>Автор</dt>" in page and "<dt>Эксперт</dt>" in page
    for word in ("Заявитель", "Заявитель не видит", "исходники макетов", "Точка"):
        assert word not in page, word


def test_the_design_desk_still_reads_as_before(client: Client, desk: Desk) -> None:
    item = desk.submit()
    menu = _menu(_as(client, desk.applicant))
    assert menu["track"] == "My requests"
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "<dt>Applicant</dt>" in page and "<dt>Designer</dt>" in page
    assert "Pictures, PDF, office documents and layout sources (PSD, AI, EPS, CDR, INDD)." in page
    client.logout()

    menu = _menu(_as(Client(), desk.head))
    assert menu["queue"] == "Queue" and menu["outlets"] == "Outlets"
    assert menu["items"] == "Requests" and menu["specialists"] == "Designers"
    assert "clients" not in menu and "newsletters" not in menu

    head = _as(Client(), desk.head, "ru")
    menu = _menu(head)
    assert menu["items"] == "Заявки" and menu["outlets"] == "Точки"
    assert menu["specialists"] == "Дизайнеры"


@pytest.mark.parametrize(
    "url_name",
    [
        "desk:queue",
        "desk:track",
        "work:archive",
        "work:item_new",
        "parties:outlet_list",
        "parties:brand_list",
        "parties:specialist_list",
        "documents:material_list",
        "documents:article_list",
    ],
)
def test_a_section_that_is_off_has_no_pages(url_name: str, client: Client, office: Office) -> None:
    _as(client, office.director)
    assert client.get(reverse(url_name)).status_code == 404


def test_every_section_a_page_names_is_in_the_catalogue() -> None:
    """A typo in `section_required("…")` would hide a page everywhere: the keys the
    views name are the catalogue's, and each switchable section has pages."""
    from django.urls import get_resolver

    named: set[str] = set()

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif key := getattr(pattern.callback, "section_key", None):
                named.add(key)

    walk(get_resolver().url_patterns)
    assert named == set(SECTION_KEYS)


def test_a_page_of_a_section_that_is_on_opens(client: Client, office: Office) -> None:
    _as(client, office.director)
    for url_name in ("work:item_list", "parties:client_list", "calendars:agenda"):
        assert client.get(reverse(url_name)).status_code == 200, url_name


def test_an_admin_changes_a_word_and_a_section_and_the_menu_follows(
    client: Client, office: Office
) -> None:
    _as(client, office.director)
    page = client.get(reverse("accounts:workspace_settings"))
    assert page.status_code == 200
    form = {
        f"{key}_{code}": value
        for key in WORD_KEYS
        for code in ("en", "ru")
        if (value := (office.workspace.words.get(key) or {}).get(code))
    }
    form |= {"items_en": "Cases", "items_ru": "Дела"}
    form["sections"] = [*office.workspace.sections, "kb"]
    saved = client.post(reverse("accounts:workspace_settings"), form)
    assert saved.status_code == 302
    menu = _menu(client)
    assert menu["items"] == "Cases" and "kb" in menu
    assert "Cases" in client.get(reverse("work:item_list")).content.decode()
    User.objects.filter(pk=office.director.pk).update(locale="ru")
    assert _menu(client)["items"] == "Дела"
    assert Event.objects.filter(
        workspace=office.workspace, verb="accounts.workspace_words_changed"
    ).exists()
    # Emptied, a word falls back to the neutral one; at least one section stays on.
    form |= {"items_en": "", "sections": []}
    refused = client.post(reverse("accounts:workspace_settings"), form)
    assert refused.status_code == 400
    assert "Оставьте включённым хотя бы один раздел." in refused.content.decode()
    form["sections"] = ["items"]
    assert client.post(reverse("accounts:workspace_settings"), form).status_code == 302
    User.objects.filter(pk=office.director.pk).update(locale="en")
    assert _menu(client)["items"] == "Items"


def test_no_one_else_changes_the_words(client: Client, office: Office) -> None:
    before = Workspace.objects.get(pk=office.workspace.pk).words
    _as(client, office.manager)
    assert client.get(reverse("accounts:workspace_settings")).status_code == 403
    refused = client.post(reverse("accounts:workspace_settings"), {"items_en": "Hacked"})
    assert refused.status_code == 403
    assert "workspace_settings" not in _menu(client)
    with pytest.raises(NotFound):
        workspace_words_set(
            actor=office.manager,
            workspace=office.workspace,
            words={"items": {"en": "Hacked"}},
            sections=["items"],
        )
    # A member of another workspace, whatever they hold there, is no admin here.
    _other, admin = make_workspace()
    with pytest.raises(NotFound):
        workspace_words_set(actor=admin, workspace=office.workspace, words={}, sections=["items"])
    assert Workspace.objects.get(pk=office.workspace.pk).words == before


def test_the_switcher_names_each_workspace_in_the_readers_language(
    client: Client, desk: Desk, office: Office
) -> None:
    member_add(
        actor=None,
        workspace=desk.workspace,
        email=office.director.email,
        full_name=office.director.full_name,
    )
    _as(client, office.director)
    page = client.get("/").content.decode()
    switcher = page.split('id="workspace-select"', 1)[1].split("</select>", 1)[0]
    assert "Expertise orders" in switcher and "Design desk" in switcher
    User.objects.filter(pk=office.director.pk).update(locale="ru")
    page = client.get("/").content.decode()
    switcher = page.split('id="workspace-select"', 1)[1].split("</select>", 1)[0]
    assert "Заказы на экспертизу" in switcher and "Дизайн-бюро" in switcher
    assert "Design desk" not in switcher


def test_a_workspace_without_a_preset_speaks_neutrally_and_runs_everything(
    client: Client,
) -> None:
    workspace, admin = make_workspace("Acme")
    assert workspace.sections == [] and all(section_on(workspace, k) for k in SECTION_KEYS)
    menu = _menu(_as(client, admin))
    assert menu["track"] == "My items" and menu["items"] == "Items"
    assert menu["outlets"] == "Locations" and menu["specialists"] == "Specialists"
    # The typed name shows in every language.
    User.objects.filter(pk=admin.pk).update(locale="ru")
    assert "Acme" in client.get("/").content.decode()
    assert _menu(client)["items"] == "Задачи"


def test_words_fall_back_to_the_neutral_default_per_language() -> None:
    from django.utils import translation

    words = Words({"items": {"en": "Orders"}, "bogus": {"en": "x"}}, "Acme")
    with translation.override("en"):
        assert words.items == "Orders" and words["item"] == "Item"
        assert words.lower.items == "orders" and words.workspace_name == "Acme"
    with translation.override("ru"):
        assert words.items == "Задачи"  # no Russian given: the neutral Russian word
    assert Words({"files_hint": {"en": "PSD files"}}).lower.files_hint == "PSD files"
    with pytest.raises(AttributeError):
        _ = words.bogus


def test_the_presets_and_the_migration_carry_the_same_words() -> None:
    """The data migration copied the preset files' words (a migration is a snapshot):
    both must say the same, or old and new workspaces of a preset would differ."""
    migration = importlib.import_module("pult.accounts.migrations.0004_preset_words")
    for name, copied in migration.PRESETS.items():
        data = preset_data(name)
        assert {k: {"en": en, "ru": ru} for k, (en, ru) in copied["words"].items()} == data["words"]
        assert copied["sections"] == data["sections"]
        assert dict(zip(("en", "ru"), copied["name"], strict=True)) == data["name"]
        assert set(data["words"]) <= set(WORD_KEYS)
        assert set(data["sections"]) <= set(SECTION_KEYS)


def test_a_loaded_preset_brings_its_words_and_sections(db: None) -> None:
    workspace = preset_load("expertise-orders", slug="words-orders")
    assert workspace.sections == preset_data("expertise-orders")["sections"]
    assert words_for(workspace).get("specialist", "ru") == "Эксперт"
    assert words_for(workspace).get("workspace_name", "ru") == "Заказы на экспертизу"
    # Named by the operator: their name, in every language.
    named = preset_load("design-desk", slug="words-desk", workspace_name="Franchise Desk")
    assert named.display_name == "Franchise Desk"
    assert words_for(named).get("workspace_name", "ru") == "Franchise Desk"
