"""The item page: the history (timeline) has its own full-width section under the two
columns, not a narrow strip in the side column that made an order's page 5,600 px tall."""

from __future__ import annotations

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
    aside = html[html.index("<aside>") : html.index("</aside>")]
    assert "history-title" not in aside
    history = html.index('id="history"')
    assert history > html.index("</aside>")
    section = html[history : html.index("</section>", history)]
    assert 'aria-labelledby="history-title"' in html[history - 100 : history + 100]
    assert "data-history" in html[history - 100 : history + 100]
    assert '<ol class="feed timeline">' in section
