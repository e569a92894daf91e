"""The item page: the history (timeline) has its own full-width section under the two
columns, not a narrow strip in the side column that made an order's page 5,600 px tall."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.conftest import login
from tests.work import test_stages
from tests.work.test_stages import Office

pytestmark = pytest.mark.django_db
office = test_stages.office  # the expertise-orders (P2) fixture, shared


def test_the_history_is_a_section_of_its_own_under_the_columns(
    office: Office, client: HttpClient
) -> None:
    item = office.order()
    login(client, office.manager)
    html = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    start = html.index("<aside>")  # the page's side column (the menu's is <aside class=…>)
    aside = html[start : html.index("</aside>", start)]
    assert "data-people" in aside or "people-title" in aside
    assert "history-title" not in aside
    history = html.index('id="history"')
    assert history > html.index("</aside>", start)
    section = html[history : html.index("</section>", history)]
    assert 'aria-labelledby="history-title"' in html[history - 100 : history + 100]
    assert "data-history" in html[history - 100 : history + 100]
    assert '<ol class="feed timeline">' in section


@pytest.fixture
def sample_panels() -> Iterator[list[str]]:
    """Two panels of a test app on the item page: one answers, one stays off."""
    from pult.work.panels import item_panels

    asked: list[str] = []

    def sample(request: Any, item: Any) -> dict[str, Any]:
        asked.append(item.reference)
        return {"title": f"Sample panel of {item.reference}", "hint": request.user.full_name}

    item_panels.register(
        "tests.sample", template="ui/_empty.html", context=sample, where="side", position=15
    )
    # Never drawn: were it, its missing template would fail the page.
    item_panels.register(
        "tests.silent", template="tests/no-such-template.html", context=lambda r, item: None
    )
    yield asked
    item_panels.unregister("tests.sample")
    item_panels.unregister("tests.silent")


def test_a_panel_another_app_registers_shows_in_its_place_and_order(
    office: Office, client: HttpClient, sample_panels: list[str]
) -> None:
    item = office.order()
    login(client, office.manager)
    page = client.get(reverse("work:item_detail", args=[item.pk]))
    html = page.content.decode()
    # A panel's names are in the context its template was drawn with (tests read them).
    assert page.context["chat_item"] == item and "attachments" in page.context
    main = html[: html.index("<aside>")]
    start = html.index("<aside>")  # the page's side column (the menu's is <aside class=…>)
    aside = html[start : html.index("</aside>", start)]
    assert sample_panels == [item.reference]  # asked once, with the page's item
    # Its own names reach its own template only: the page's title is the item's.
    assert f"Sample panel of {item.reference}" in aside
    assert office.manager.full_name in aside
    assert aside.count("Sample panel") == 1
    # Position 15: after the order's client card (10), before the files (20).
    order = aside.index("data-order-parties")
    assert order < aside.index("Sample panel") < aside.index("data-attachments")
    assert "data-chat" in main and "data-chat" not in aside


def test_the_item_page_draws_the_cards_of_chat_documents_and_orders() -> None:
    from pult.work.panels import item_list_actions, item_panels

    ours = ("chat.chat", "orders.order_parties", "documents.files", "documents.documents")
    drawn = [(p.key, p.where) for p in item_panels.panels() if p.key in ours]
    assert drawn == [
        ("chat.chat", "main"),
        ("orders.order_parties", "side"),
        ("documents.files", "side"),
        ("documents.documents", "side"),
    ]
    assert "orders.new_order" in [p.key for p in item_list_actions.panels()]
