"""The item chat's live channel.

A socket is accepted only for a logged-in, active member who can see the item in their
current workspace; anything else is closed with 4404 before a byte is sent, so a socket
tells a stranger no more than a 404 would. Broadcasts carry ids only.

A message posted to a chat open in 200 browsers must not cost 200 rounds of queries:
each process loads a new message once (with its type's visibility rules), and each
socket decides in memory, by the rule of `message_visible_to`, whether its person may
see it, from what it read of them when it last checked access. That check runs again
when it is older than ACCESS_TTL seconds, so a person who loses access stops receiving
within that time; a person's sockets on one chat in one process share the check. The
HTML is rendered once per audience (language, time zone, author or not), so internal
notes never reach outsiders and nobody gets another's rendering.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import zoneinfo
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pult.chat.live import item_chat_group
from pult.chat.models import Message
from pult.chat.selectors import (
    ChatRules,
    Viewer,
    chat_rules,
    message_for_broadcast,
    message_shown_to,
)

CLOSE_NOT_FOUND = 4404
MAX_FRAME = 64 * 1024  # a 10,000-character message in JSON with room to spare
ACCESS_TTL = 2.0  # seconds a socket trusts its last access check for incoming messages
_clock = time.monotonic  # how old an access check is (a test moves it on)
_KEEP_POSTED = 64  # recent messages kept per process for the sockets still rendering them


class _Gone(Exception):
    """The user no longer may see the item (or no longer exists)."""


@dataclass
class _Access:
    user: Any
    workspace: Any
    viewer: Viewer
    checked_at: float


@dataclass
class _Posted:
    """A new message as every socket of this process sees it: loaded once, rendered once
    per audience."""

    message: Message | None
    rules: ChatRules | None
    # The whole frame a socket sends, per audience: rendered and serialised once.
    frames: dict[tuple[str, str, bool], str] = field(default_factory=dict)


# The latest access check of each (user, item) in this process: a person's tabs and
# devices on one chat share it, so each re-checks once per ACCESS_TTL, not each socket.
_checks: dict[tuple[int, int], _Access] = {}
_MAX_CHECKS = 10_000

_posted: OrderedDict[int, _Posted] = OrderedDict()
_in_flight: dict[tuple[Any, ...], asyncio.Event] = {}  # loads under way (see _load_once)
_posted_lock = threading.Lock()


def _posted_message(message_id: int) -> _Posted:
    with _posted_lock:
        entry = _posted.get(message_id)
        if entry is None:
            message = message_for_broadcast(message_id)
            rules = None
            if message is not None:
                rules = chat_rules(
                    workspace=message.workspace,
                    item=message.item,
                    user_ids={message.author_id} if message.author_id else set(),
                )
            entry = _posted[message_id] = _Posted(message=message, rules=rules)
            while len(_posted) > _KEEP_POSTED:
                _posted.popitem(last=False)
        return entry


class ItemChatConsumer(AsyncJsonWebsocketConsumer):
    item_id: int
    workspace_id: int
    user_id: int
    group: str

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.item_id = int(self.scope["url_route"]["kwargs"]["item_id"])
        self.user_id = user.pk
        workspace_id = await database_sync_to_async(self._visible_workspace_id)()
        if workspace_id is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.workspace_id = workspace_id
        self.group = item_chat_group(self.item_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    # --- Access, re-checked on every event: roles change, people leave -------------

    def _context(self) -> tuple[Any, Any]:
        """The user fresh from the database and their current workspace, if the item is
        visible to them there; raises _Gone otherwise."""
        from pult.accounts.models import Membership, User
        from pult.work.selectors import item_visible_to

        user = User.objects.filter(pk=self.user_id, is_active=True).first()
        if user is None or user.current_workspace_id is None:
            raise _Gone
        membership = (
            Membership.objects.select_related("workspace")
            .filter(user=user, workspace_id=user.current_workspace_id, is_active=True)
            .first()
        )
        if membership is None:
            raise _Gone
        workspace = membership.workspace
        if not item_visible_to(user, workspace).filter(pk=self.item_id).exists():
            raise _Gone
        return user, workspace

    def _visible_workspace_id(self) -> int | None:
        try:
            user, workspace = self._context()
        except _Gone:
            return None
        self.workspace_id = int(workspace.pk)
        self._remember(user, workspace)
        return self.workspace_id

    _access: _Access | None = None

    def _checked(self) -> tuple[Any, Any]:
        """Access read afresh (every event from the browser, and incoming messages once
        the last check is older than ACCESS_TTL)."""
        self._access = None
        _checks.pop((self.user_id, self.item_id), None)  # until this check says otherwise
        user, workspace = self._context()
        if workspace.pk != self.workspace_id:  # switched workspace in another tab
            raise _Gone
        self._remember(user, workspace)
        return user, workspace

    def _remember(self, user: Any, workspace: Any) -> None:
        from pult.access.policies import role_ids
        from pult.chat.policies import can_see_internal_notes

        viewer = Viewer(
            user_id=user.pk,
            item_id=self.item_id,
            sees_internal=can_see_internal_notes(user, workspace),
            role_ids=role_ids(user, workspace),
        )
        self._access = _Access(user, workspace, viewer, _clock())
        if len(_checks) >= _MAX_CHECKS:
            _checks.clear()  # a process with ten thousand open chats: start over
        _checks[(self.user_id, self.item_id)] = self._access

    # --- Broadcasts from the channel layer -----------------------------------------

    def _latest_access(self) -> _Access | None:
        """This socket's last check, or a newer one of the same person on the same chat
        in the same workspace made by another of their sockets."""
        shared = _checks.get((self.user_id, self.item_id))
        own = self._access
        if (
            shared is not None
            and shared.workspace.pk == self.workspace_id
            and (own is None or shared.checked_at > own.checked_at)
        ):
            self._access = shared
        return self._access

    async def chat_message(self, event: dict[str, Any]) -> None:
        message_id = int(event["id"])
        try:
            frame = self._ready_frame(message_id)
            if frame is None:
                frame, led = await self._load_once(("message", message_id), message_id)
                if frame is None and not led:  # another audience, or this person's check ran out
                    frame, _ = await self._load_once(
                        ("viewer", message_id, self.user_id), message_id
                    )
        except _Gone:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if frame is not None:
            await self.send(text_data=frame)

    def _ready_frame(self, message_id: int) -> str | None:
        """The frame when the message is loaded and rendered for this audience and the
        access check is fresh: no database work at all."""
        access = self._latest_access()
        entry = _posted.get(message_id)
        if entry is None or access is None or _clock() - access.checked_at >= ACCESS_TTL:
            return None
        return self._message_frame(entry, access, cached_only=True)

    async def _load_once(self, key: tuple[Any, ...], message_id: int) -> tuple[str | None, bool]:
        """Load and render the message for this socket, unless another socket of this
        process already does so under the same key: then wait for it and take what is
        ready. The process has one database thread; a hundred sockets queueing for it
        with the same message would each wait for all the others. Returns the frame and
        whether this socket did the work."""
        running = _in_flight.get(key)
        if running is not None:
            await running.wait()
            return self._ready_frame(message_id), False
        done = _in_flight[key] = asyncio.Event()
        try:
            return await database_sync_to_async(self._load_and_render)(message_id), True
        finally:
            del _in_flight[key]
            done.set()

    def _load_and_render(self, message_id: int) -> str | None:
        access = self._latest_access()
        if access is None or _clock() - access.checked_at >= ACCESS_TTL:
            self._checked()
        return self._message_frame(_posted_message(message_id), self._access)

    def _message_frame(
        self, entry: _Posted, access: _Access | None, *, cached_only: bool = False
    ) -> str | None:
        """The JSON frame of the message for this socket's audience, or None when its
        person may not see it (or, with `cached_only`, when it is not rendered yet)."""
        message, rules = entry.message, entry.rules
        if access is None or message is None or rules is None:
            return None
        if not message_shown_to(message, access.viewer, rules):
            return None  # an internal note and an outsider: nothing to send
        user = access.user
        audience = (user.locale or "", user.time_zone or "", message.author_id == user.pk)
        frame = entry.frames.get(audience)
        if frame is None and not cached_only:
            message.seen_by = []  # type: ignore[attr-defined]  # just written: nobody yet
            with _user_locale(user):
                html = render_to_string("chat/_message.html", {"message": message, "viewer": user})
            frame = json.dumps({"type": "message", "id": message.pk, "html": html})
            entry.frames[audience] = frame
        return frame

    async def chat_read(self, event: dict[str, Any]) -> None:
        reader_id = int(event["user"])
        if reader_id == self.user_id:
            return
        try:
            found = await database_sync_to_async(self._read_mark)(reader_id, int(event["id"]))
        except _Gone:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if found is not None:
            position, name, sees_internal = found
            await self.send_json(
                {
                    "type": "read",
                    "user": reader_id,
                    "name": name,
                    "id": position,
                    "staff": sees_internal,
                }
            )

    def _read_mark(self, reader_id: int, message_id: int) -> tuple[int, str, bool] | None:
        """Where the reader's new mark shows for this user: the newest message at or
        before it that this user can see (a designer may have read an internal note)."""
        from pult.accounts.models import User
        from pult.chat.policies import can_see_internal_notes
        from pult.chat.selectors import read_position

        user, workspace = self._checked()
        position = read_position(
            actor=user, workspace=workspace, item_id=self.item_id, message_id=message_id
        )
        if position is None:
            return None
        reader = User.objects.filter(pk=reader_id).first()
        if reader is None:
            return None
        return position, reader.full_name, can_see_internal_notes(reader, workspace)

    # --- What the browser sends -----------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None or len(text_data) > MAX_FRAME:
            await self.send_json({"type": "error", "code": "too_long"})
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            content = None
        if not isinstance(content, dict):
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type")
        if kind not in ("post", "read"):
            return
        try:
            reply = await database_sync_to_async(self._handle)(kind, content)
        except _Gone:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if reply is not None:
            await self.send_json(reply)

    def _handle(self, kind: str, content: dict[str, Any]) -> dict[str, Any] | None:
        from pult.chat import services
        from pult.core.exceptions import DomainError

        user, workspace = self._checked()
        with _user_locale(user):
            try:
                if kind == "post":
                    body = content.get("body")
                    message = services.message_post(
                        actor=user,
                        workspace=workspace,
                        item_id=self.item_id,
                        body=body if isinstance(body, str) else "",
                        internal=content.get("internal") is True,
                    )
                    return {"type": "posted", "id": message.pk, "ref": content.get("ref")}
                message_id = content.get("id")
                if not isinstance(message_id, int) or isinstance(message_id, bool):
                    return None
                services.message_mark_read(
                    actor=user, workspace=workspace, item_id=self.item_id, message_id=message_id
                )
            except DomainError as error:
                if kind == "read":
                    return None  # a stale or foreign id: nothing to tell
                return {"type": "error", "message": error.message, "ref": content.get("ref")}
        return None


@contextmanager
def _user_locale(user: Any) -> Iterator[None]:
    """Render in the user's language and time zone, as the HTTP middleware does."""
    try:
        zone: zoneinfo.ZoneInfo | None = zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = None
    with translation.override(user.locale or settings.LANGUAGE_CODE):
        if zone is not None:
            timezone.activate(zone)
        try:
            yield
        finally:
            timezone.deactivate()
