"""Comment visibility as data (chat.MessageVisibilityRule), on the expertise-orders preset:
"the manager sees own and the expert's; the expert sees only own; the head of dept 3
sees the manager's; the director sees all". Every path reads through
`message_visible_to`: the item page, the API, the socket, the CSV export and the feed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pult.access.models import Role
from pult.activity.models import Event
from pult.activity.selectors import event_shown_to, event_visible_to
from pult.api.services import api_token_create
from pult.chat.events import MESSAGE_POSTED
from pult.chat.models import Message, MessageSees, MessageVisibilityRule
from pult.chat.selectors import chat_context, message_list, message_visible_to
from pult.chat.services import message_post
from pult.work.models import Item
from tests.chat.test_consumers import _connected, _done, _refused
from tests.factories import make_member
from tests.work import test_stages
from tests.work.test_stages import Office

office = test_stages.office  # the expertise-orders fixture, shared

# Who sees whose message on an order (the authors are the viewers' own names).
EXPECTED = {
    "manager": {"manager", "expert"},
    "expert": {"expert"},
    "head3": {"head3", "manager"},
    "director": {"manager", "expert", "head3", "director"},
}
AUTHORS = ("manager", "expert", "head3", "director")


@dataclass
class Chat:
    office: Office
    item: Item
    outsider: Any
    bodies: dict[str, str]  # author name -> body of the message they wrote

    def user(self, name: str) -> Any:
        return self.outsider if name == "outsider" else getattr(self.office, name)


def _body(name: str) -> str:
    return f"comment-by-{name}-7f3a"


def _chat(office: Office) -> Chat:
    item = office.order()
    outsider = make_member(office.workspace, ["activity.view_feed"], full_name="Oscar Outsider")
    for name in AUTHORS:
        message_post(
            actor=getattr(office, name),
            workspace=office.workspace,
            item_id=item.pk,
            body=_body(name),
        )
    return Chat(office, item, outsider, {name: _body(name) for name in AUTHORS})


def _seen_in(text: str) -> set[str]:
    return {name for name in AUTHORS if _body(name) in text}


def test_the_preset_loads_the_rules(office: Office) -> None:
    rules = {
        r.viewer_role.name: (r.sees, sorted(a.name for a in r.author_roles.all()))
        for r in MessageVisibilityRule.objects.filter(item_type__workspace=office.workspace)
    }
    assert rules == {
        "Manager": (MessageSees.OWN_AND_ROLES, ["Expert"]),
        "Expert": (MessageSees.OWN, []),
        "Director": (MessageSees.ALL, []),
        "Head of Dept 3": (MessageSees.OWN_AND_ROLES, ["Manager"]),
        "Finance": (MessageSees.OWN, []),
        "Dept 4": (MessageSees.OWN, []),
    }


@pytest.mark.django_db
def test_page_api_export_and_feed_follow_the_rules(office: Office) -> None:
    chat = _chat(office)
    item = chat.item
    for name, expected in EXPECTED.items():
        user = chat.user(name)
        web = Client()
        web.force_login(user)
        page = web.get(reverse("work:item_detail", args=[item.pk]))
        assert page.status_code == 200, name
        assert _seen_in(page.content.decode()) == expected, name

        _token, raw = api_token_create(actor=user, workspace=office.workspace, name="t")
        api = web.get(f"/api/v1/items/{item.pk}/messages", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert api.status_code == 200, name
        assert _seen_in(" ".join(m["body"] for m in api.json())) == expected, name

        export = web.get(reverse("chat:export", args=[item.pk]))
        assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
        text = b"".join(export.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 1 + len(expected), name  # header and one row per message
        assert _seen_in(text) == expected, name

        # The feed's chat events point at the messages: the same rule.
        events = event_visible_to(user, office.workspace).filter(verb=MESSAGE_POSTED)
        shown = Message.objects.filter(pk__in=events.values("target_id"))
        assert {m.body for m in shown} == {chat.bodies[n] for n in expected}, name
        # The recipients' check of one event says the same as the feed, for every event.
        visible = set(event_visible_to(user, office.workspace).values_list("pk", flat=True))
        every = Event.objects.filter(workspace=office.workspace)
        assert {e.pk for e in every if event_shown_to(user, e)} == visible, name

    outsider = Client()
    outsider.force_login(chat.outsider)
    _token, raw = api_token_create(actor=chat.outsider, workspace=office.workspace, name="t")
    assert outsider.get(reverse("work:item_detail", args=[item.pk])).status_code == 404
    assert outsider.get(reverse("chat:export", args=[item.pk])).status_code == 404
    assert outsider.get(reverse("chat:messages", args=[item.pk])).status_code == 404
    api = outsider.get(f"/api/v1/items/{item.pk}/messages", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 404
    posted = outsider.post(reverse("chat:post", args=[item.pk]), {"body": "hi"})
    assert posted.status_code == 404
    assert not message_visible_to(chat.outsider, office.workspace).exists()


@pytest.mark.django_db
def test_seen_by_names_only_readers_who_may_see_the_message(office: Office) -> None:
    # Each author's read mark sits on their own message; the expert's is past the
    # manager's, which the expert may not see, so it does not count as seen by them.
    chat = _chat(office)
    page = Client()
    page.force_login(office.manager)
    for url in (
        reverse("work:item_detail", args=[chat.item.pk]),
        reverse("chat:messages", args=[chat.item.pk]),
    ):
        html = page.get(url).content.decode()
        seen = re.search(r"data-chat-seen>([^<]*)<", html)
        assert seen is not None, url
        assert "Gleb Head" in seen.group(1) and "Darya Director" in seen.group(1), url
        assert "Elena Expert" not in seen.group(1), url
    context = chat_context(actor=office.manager, workspace=office.workspace, item=chat.item)
    first = context["chat_messages"][0]
    assert first.body == chat.bodies["manager"]
    assert {p.pk for p in first.seen_by} == {office.head3.pk, office.director.pk}


@pytest.mark.django_db
def test_a_role_without_a_rule_sees_only_own_and_no_rules_means_all(office: Office) -> None:
    chat = _chat(office)
    watcher = make_member(office.workspace, ["work.view_all"], full_name="Vera Viewer")
    message_post(actor=watcher, workspace=office.workspace, item_id=chat.item.pk, body="mine")
    assert [m.body for m in message_visible_to(watcher, office.workspace)] == ["mine"]

    MessageVisibilityRule.objects.filter(item_type=chat.item.item_type).delete()
    for name in (*AUTHORS, "expert"):
        visible = message_visible_to(chat.user(name), office.workspace)
        assert visible.count() == len(AUTHORS) + 1  # today's behaviour: every message


@pytest.mark.django_db
def test_author_roles_are_read_now_and_queries_stay_flat(office: Office) -> None:
    chat = _chat(office)
    # The head of dept 3 sees the managers' comments: a new manager's too.
    roles = {r.name: r for r in Role.objects.filter(workspace=office.workspace)}
    second = make_member(office.workspace, roles=[roles["Manager"]], full_name="Max Manager")
    message_post(actor=second, workspace=office.workspace, item_id=chat.item.pk, body="m2")
    head_sees = message_list(actor=office.head3, workspace=office.workspace, item=chat.item)
    assert [m.body for m in head_sees] == [_body("manager"), _body("head3"), "m2"]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            message_list(actor=office.manager, workspace=office.workspace, item=chat.item)
        return len(queries)

    before = count()
    for n in range(10):
        message_post(
            actor=office.expert, workspace=office.workspace, item_id=chat.item.pk, body=f"e{n}"
        )
    assert count() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_socket_delivers_by_the_same_rule(office: Office) -> None:
    chat = await sync_to_async(_chat)(office)
    item_id = chat.item.pk
    sockets = {name: await _connected(chat.user(name), item_id) for name in EXPECTED}
    await _refused(chat.outsider, item_id)
    for author in AUTHORS:
        await sync_to_async(message_post)(
            actor=chat.user(author),
            workspace=office.workspace,
            item_id=item_id,
            body=f"live-{author}",
        )
        for viewer, socket in sockets.items():
            if author in EXPECTED[viewer]:
                got = await socket.receive_json_from(timeout=5)
                assert got["type"] == "message" and f"live-{author}" in got["html"], viewer
            else:
                assert await socket.receive_nothing(timeout=0.3), (viewer, author)
    await _done(*sockets.values())
