"""Live chat over the channel layer (in-memory, or Redis across workers).

Only ids travel through the layer: each socket loads the message through
`message_visible_to` for its own user, so nothing reaches a socket that the person
behind it may not see, whichever worker they are connected to.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def item_chat_group(item_id: int) -> str:
    return f"item-chat-{item_id}"


def _send(item_id: int, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(item_chat_group(item_id), event)
    except Exception:  # live delivery is a courtesy; the row is saved, catch-up fetches it
        logger.warning("live chat update failed for item %s", item_id, exc_info=True)


def push_message(*, item_id: int, message_id: int) -> None:
    _send(item_id, {"type": "chat.message", "id": message_id})


def push_read(*, item_id: int, user_id: int, message_id: int) -> None:
    _send(item_id, {"type": "chat.read", "user": user_id, "id": message_id})
