"""The bell updates live over the WebSocket, and only for its owner."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections

from pult.access.models import Role
from pult.accounts.services import member_update
from pult.config.asgi import application
from pult.notifications.models import NotificationRule
from tests.conftest import dispatch_notifications
from tests.factories import make_member, make_workspace


def _session_cookie(user: object) -> bytes:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    session.save()
    return f"sessionid={session.session_key}".encode()


def _socket(cookie: bytes | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/inbox/", headers=headers)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_bell_count_arrives_live_for_the_recipient_only() -> None:
    workspace, admin = await sync_to_async(make_workspace)()
    member = await sync_to_async(make_member)(workspace, [])
    other = await sync_to_async(make_member)(workspace, [])
    await sync_to_async(NotificationRule.objects.create)(
        workspace=workspace, verb="accounts.member_changed", participants=True
    )
    mine = _socket(await sync_to_async(_session_cookie)(member))
    theirs = _socket(await sync_to_async(_session_cookie)(other))
    assert (await mine.connect())[0] and (await theirs.connect())[0]
    assert (await mine.receive_json_from())["unread"] == 0
    assert (await theirs.receive_json_from())["unread"] == 0

    roles = await sync_to_async(lambda: list(Role.objects.filter(workspace=workspace)))()
    await sync_to_async(member_update)(
        actor=admin,
        workspace=workspace,
        user_id=member.pk,
        roles=roles,
        department=None,
        is_active=True,
    )
    # Committed: the dispatch is queued; the worker's sweep runs it and the bell rings.
    await sync_to_async(dispatch_notifications)()
    assert await mine.receive_json_from(timeout=5) == {
        "type": "inbox",
        "workspace": workspace.pk,
        "unread": 1,
    }
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()
    # The worker thread of sync_to_async holds its own connection; give it back.
    await sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_anonymous_socket_is_refused() -> None:
    socket = _socket(None)
    connected, code = await socket.connect()
    assert not connected or code == 4401
    await sync_to_async(connections.close_all)()
