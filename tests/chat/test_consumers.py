"""The item chat over WebSocket: who may connect, live delivery, escaping, notes."""

from __future__ import annotations

import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.urls import reverse

from pult.chat.models import Message, MessageRead
from pult.chat.services import message_post
from pult.config.asgi import application as _project_application
from tests.documents.conftest import pdf_bytes, upload
from tests.factories import make_member, make_workspace
from tests.work.conftest import Desk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _application() -> Any:
    """The project's socket router once config/routing.py includes the chat routes;
    until then the same stack (origin check, session auth) around the chat's own."""
    from channels.auth import AuthMiddlewareStack
    from channels.routing import URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator

    from pult.chat.routing import websocket_urlpatterns
    from pult.config import routing

    chat_routes = {str(p.pattern) for p in websocket_urlpatterns}
    if chat_routes <= {str(p.pattern) for p in routing.websocket_urlpatterns}:
        return _project_application
    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


APPLICATION = _application()


def _session_cookie(user: Any) -> bytes:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"sessionid={session.session_key}".encode()


async def _socket(user: Any | None, item_id: int) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if user is not None:
        headers.append((b"cookie", await sync_to_async(_session_cookie)(user)))
    return WebsocketCommunicator(APPLICATION, f"/ws/items/{item_id}/chat/", headers=headers)


async def _connected(user: Any, item_id: int) -> WebsocketCommunicator:
    socket = await _socket(user, item_id)
    connected, _subprotocol = await socket.connect()
    assert connected
    return socket


async def _refused(user: Any | None, item_id: int) -> None:
    socket = await _socket(user, item_id)
    connected, code = await socket.connect()
    assert not connected
    assert code == 4404
    assert await socket.receive_nothing(timeout=0.1)


async def _done(*sockets: WebsocketCommunicator) -> None:
    for socket in sockets:
        await socket.disconnect()
    # The worker thread of sync_to_async holds its own connection; give it back.
    await sync_to_async(connections.close_all)()


async def _submit(desk: Desk) -> Any:
    return await sync_to_async(desk.submit)()


async def test_strangers_and_other_workspaces_are_refused(desk: Desk) -> None:
    item = await _submit(desk)
    await _refused(None, item.pk)
    await _refused(desk.stranger, item.pk)  # another outlet of the same workspace
    _workspace, outsider = await sync_to_async(make_workspace)()
    await _refused(outsider, item.pk)  # admin of another workspace
    other, _admin = await sync_to_async(make_workspace)()
    member = await sync_to_async(make_member)(other, ["work.view_all", "work.manage"])
    await _refused(member, item.pk)
    await _refused(desk.designer, item.pk + 10_000)  # no such item
    await _done()


async def test_live_delivery_escaping_and_internal_notes(desk: Desk) -> None:
    item = await _submit(desk)
    designer = await _connected(desk.designer, item.pk)
    applicant = await _connected(desk.applicant, item.pk)

    await applicant.send_json_to(
        {"type": "post", "body": "<script>alert(1)</script> hi", "ref": "a"}
    )
    replies = [await applicant.receive_json_from(timeout=5) for _ in range(2)]
    assert {r["type"] for r in replies} == {"posted", "message"}
    posted = next(r for r in replies if r["type"] == "posted")
    assert posted["ref"] == "a"
    live = await designer.receive_json_from(timeout=5)
    assert live["type"] == "message" and live["id"] == posted["id"]
    assert (
        "<script>" not in live["html"]
        and "&lt;script&gt;alert(1)&lt;/script&gt; hi" in live["html"]
    )

    await designer.send_json_to({"type": "post", "body": "Picky", "internal": True, "ref": "n"})
    replies = [await designer.receive_json_from(timeout=5) for _ in range(2)]
    note = next(r for r in replies if r["type"] == "message")
    assert "Picky" in note["html"] and "chat-internal" in note["html"]
    assert await applicant.receive_nothing(timeout=0.5)  # the note never reaches them

    # A service call elsewhere (the HTTP form) reaches both sockets after commit.
    await sync_to_async(message_post)(
        actor=desk.designer, workspace=desk.workspace, item_id=item.pk, body="Done"
    )
    for socket in (designer, applicant):
        message = await socket.receive_json_from(timeout=5)
        assert message["type"] == "message" and "Done" in message["html"]
    await _done(designer, applicant)


async def test_applicant_cannot_post_a_note_through_the_socket(desk: Desk) -> None:
    item = await _submit(desk)
    applicant = await _connected(desk.applicant, item.pk)
    await applicant.send_json_to({"type": "post", "body": "x", "internal": True, "ref": "1"})
    reply = await applicant.receive_json_from(timeout=5)
    assert reply["type"] == "error" and reply["ref"] == "1" and reply["message"]
    await applicant.send_json_to({"type": "post", "body": "   ", "ref": "2"})
    assert (await applicant.receive_json_from(timeout=5))["type"] == "error"
    await applicant.send_to(text_data="not json")
    await applicant.send_json_to({"type": "unknown"})
    assert await applicant.receive_nothing(timeout=0.3)
    assert not await sync_to_async(Message.objects.exists)()
    await _done(applicant)


async def test_read_receipts_are_recorded_and_shown_live(desk: Desk) -> None:
    item = await _submit(desk)
    message = await sync_to_async(message_post)(
        actor=desk.designer, workspace=desk.workspace, item_id=item.pk, body="Ready?"
    )
    designer = await _connected(desk.designer, item.pk)
    applicant = await _connected(desk.applicant, item.pk)
    await applicant.send_json_to({"type": "read", "id": message.pk})
    receipt = await designer.receive_json_from(timeout=5)
    assert receipt == {
        "type": "read",
        "user": desk.applicant.pk,
        "name": desk.applicant.full_name,
        "id": message.pk,
        "staff": False,
    }
    read = await sync_to_async(MessageRead.objects.get)(item=item, user=desk.applicant)
    assert read.last_read_message_id == message.pk
    assert await applicant.receive_nothing(timeout=0.3)  # no echo of one's own mark
    await _done(designer, applicant)


async def test_designer_reading_a_note_shows_as_reading_the_last_public_message(
    desk: Desk,
) -> None:
    item = await _submit(desk)
    public = await sync_to_async(message_post)(
        actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, body="Question"
    )
    note = await sync_to_async(message_post)(
        actor=desk.head, workspace=desk.workspace, item_id=item.pk, body="n", internal=True
    )
    applicant = await _connected(desk.applicant, item.pk)
    designer = await _connected(desk.designer, item.pk)
    await designer.send_json_to({"type": "read", "id": note.pk})
    receipt = await applicant.receive_json_from(timeout=5)
    assert receipt["id"] == public.pk  # the note's id never reaches the applicant
    await _done(applicant, designer)


async def test_a_message_posted_with_files_arrives_with_its_links(desk: Desk) -> None:
    """Files go over HTTP (the socket carries none); the broadcast shows them to the rest."""
    item = await _submit(desk)
    designer = await _connected(desk.designer, item.pk)
    message = await sync_to_async(message_post)(
        actor=desk.applicant,
        workspace=desk.workspace,
        item_id=item.pk,
        body="",
        uploads=[upload("brief.pdf", pdf_bytes())],
    )
    live = await designer.receive_json_from(timeout=5)
    attachment = await sync_to_async(message.attachments.get)()
    url = await sync_to_async(reverse)("documents:attachment_download", args=[attachment.pk])
    assert live["type"] == "message" and live["id"] == message.pk
    assert f'href="{url}"' in live["html"] and ">brief.pdf</a>" in live["html"]
    await _done(designer)


async def test_a_message_is_loaded_once_and_rendered_once_per_audience(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pult.chat import consumers

    loads: list[int] = []
    renders: list[str] = []
    load, render = consumers.message_for_broadcast, consumers.render_to_string

    def counted_load(message_id: int) -> Any:
        loads.append(message_id)
        return load(message_id)

    def counted_render(*args: Any, **kwargs: Any) -> str:
        renders.append(args[0])
        return render(*args, **kwargs)

    monkeypatch.setattr(consumers, "message_for_broadcast", counted_load)
    monkeypatch.setattr(consumers, "render_to_string", counted_render)
    # Trips to the process's one database thread: the first socket makes it, the others
    # of the same audience wait for it rather than queue behind it.
    trips: list[int] = []
    load_and_render = consumers.ItemChatConsumer._load_and_render

    def counted_trip(self: Any, message_id: int) -> Any:
        trips.append(self.user_id)
        return load_and_render(self, message_id)

    monkeypatch.setattr(consumers.ItemChatConsumer, "_load_and_render", counted_trip)
    item = await _submit(desk)
    watchers = [await _connected(desk.head, item.pk) for _ in range(5)]
    author = await _connected(desk.applicant, item.pk)
    await sync_to_async(message_post)(
        actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, body="Once"
    )
    for socket in [*watchers, author]:
        message = await socket.receive_json_from(timeout=5)
        assert message["type"] == "message" and "Once" in message["html"]
    assert len(loads) == 1
    assert len(renders) == 2  # the head's five sockets share one rendering; the author's
    assert sorted(trips) == sorted([desk.head.pk, desk.applicant.pk])
    await _done(*watchers, author)


async def test_a_persons_sockets_on_one_chat_share_the_access_check(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pult.chat import consumers

    item = await _submit(desk)
    tabs = [await _connected(desk.head, item.pk) for _ in range(5)]
    checks: list[int] = []
    context = consumers.ItemChatConsumer._context

    def counted_context(self: Any) -> Any:
        checks.append(self.user_id)
        return context(self)

    monkeypatch.setattr(consumers.ItemChatConsumer, "_context", counted_context)
    later = time.monotonic() + consumers.ACCESS_TTL + 1  # every check made so far ran out
    monkeypatch.setattr(consumers, "_clock", lambda: later)
    await sync_to_async(message_post)(
        actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, body="Shared"
    )
    for tab in tabs:
        assert "Shared" in (await tab.receive_json_from(timeout=5))["html"]
    assert checks == [desk.head.pk]  # one fresh check served the five tabs
    await _done(*tabs)


async def test_a_person_who_loses_access_stops_receiving(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pult.accounts.models import Membership
    from pult.chat import consumers

    item = await _submit(desk)
    applicant = await _connected(desk.applicant, item.pk)
    await sync_to_async(message_post)(
        actor=desk.designer, workspace=desk.workspace, item_id=item.pk, body="Before"
    )
    assert "Before" in (await applicant.receive_json_from(timeout=5))["html"]

    await sync_to_async(
        Membership.objects.filter(user=desk.applicant, workspace=desk.workspace).update
    )(is_active=False)
    monkeypatch.setattr(consumers, "ACCESS_TTL", 0.0)  # the last check has run out
    await sync_to_async(message_post)(
        actor=desk.designer, workspace=desk.workspace, item_id=item.pk, body="After"
    )
    closed = await applicant.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4404}
    await _done()
