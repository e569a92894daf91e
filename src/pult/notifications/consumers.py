"""The bell's live channel: a logged-in user receives their own inbox state only."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from pult.notifications.live import inbox_group


class InboxConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = inbox_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        workspace_id = await self._current_workspace_id(user)
        if workspace_id:
            from pult.notifications.services import unread_count

            unread = await database_sync_to_async(unread_count)(
                user_id=user.pk, workspace_id=workspace_id
            )
            await self.send_json({"type": "inbox", "workspace": workspace_id, "unread": unread})

    @database_sync_to_async
    def _current_workspace_id(self, user: Any) -> int | None:
        from pult.accounts.models import User

        return (
            User.objects.filter(pk=user.pk).values_list("current_workspace_id", flat=True).first()
        )

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def inbox_state(self, message: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "inbox", "workspace": message["workspace"], "unread": message["unread"]}
        )
