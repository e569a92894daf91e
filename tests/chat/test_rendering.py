"""Messages' shared HTML comes from the cache, and never a stale or foreign one."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from pult.accounts.models import User
from pult.chat.services import message_post
from tests.work.conftest import Desk


def _chat_html(desk: Desk, user: User, item_id: int) -> str:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("work:item_detail", args=[item_id])).content.decode()
    start = page.index('class="chat-list"')
    return page[start : page.index("</ol>", start)]


def test_the_cached_messages_follow_language_author_and_reader(desk: Desk) -> None:
    item = desk.submit()
    message_post(
        actor=desk.designer,
        workspace=desk.workspace,
        item_id=item.pk,
        body="Draft at https://example.com/x <b>",
        internal=True,
    )
    first = _chat_html(desk, desk.head, item.pk)
    assert "Internal note" in first and desk.designer.full_name in first
    assert '<a href="https://example.com/x"' in first and "&lt;b&gt;" in first
    assert _chat_html(desk, desk.head, item.pk) == first  # from the cache: the same page

    # Another language is another rendering, not the English one from the cache.
    User.objects.filter(pk=desk.head.pk).update(locale="ru")
    desk.head.refresh_from_db()
    assert "Внутренняя заметка" in _chat_html(desk, desk.head, item.pk)

    # The author renamed: every reader sees the new name at once.
    User.objects.filter(pk=desk.designer.pk).update(full_name="Daria Renamed")
    assert "Daria Renamed" in _chat_html(desk, desk.head, item.pk)

    # "Mine" and "seen by" are the reader's own: the author's page marks the message hers.
    own = _chat_html(desk, desk.designer, item.pk)
    assert "chat-mine" in own and "chat-mine" not in _chat_html(desk, desk.head, item.pk)


def test_with_redis_away_the_page_is_rendered_without_the_cache(
    desk: Desk, settings: Any, caplog: Any
) -> None:
    """The cache is only a shortcut: messages' HTML and the desk's pace are computed
    again when Redis cannot be reached (nothing listens on port 9 here)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "pult.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    item = desk.submit()  # waiting: the page forecasts its start from the desk's pace
    message_post(actor=desk.designer, workspace=desk.workspace, item_id=item.pk, body="Hello")
    client = Client()
    client.force_login(desk.applicant)
    page = client.get(reverse("work:item_detail", args=[item.pk]))
    assert page.status_code == 200
    assert "Hello" in page.content.decode()
    assert "Redis cannot be reached" in caplog.text
