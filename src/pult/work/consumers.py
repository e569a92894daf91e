"""The live queue channel of the current workspace (see work/live.py)."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from pult.work.live import queue_group


class QueueConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        workspace_id = await self._workspace_id(user)
        if workspace_id is None:
            await self.close(code=4404)
            return
        self.group = queue_group(workspace_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    @database_sync_to_async
    def _workspace_id(self, user: Any) -> int | None:
        from pult.accounts.models import Membership, User

        current = User.objects.filter(pk=user.pk).values_list("current_workspace_id", flat=True)
        return (
            Membership.objects.filter(user=user, workspace_id__in=current, is_active=True)
            .values_list("workspace_id", flat=True)
            .first()
        )

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def queue_changed(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "queue"})
