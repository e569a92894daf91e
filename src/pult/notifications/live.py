"""Live inbox updates over the channel layer (in-memory, or Redis across workers)."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def inbox_group(user_id: int) -> str:
    return f"inbox.{user_id}"


def push_inbox_state(*, user_id: int, workspace_id: int, unread: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            inbox_group(user_id),
            {"type": "inbox.state", "workspace": workspace_id, "unread": unread},
        )
    except Exception:  # live updates are a courtesy; the inbox row is already saved
        logger.warning("live inbox update failed for user %s", user_id, exc_info=True)
