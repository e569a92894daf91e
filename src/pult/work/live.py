"""Live queue: after a change to a queue, its watchers' pages refetch their rows.

The socket carries only "the queue of this workspace changed"; the rows come back
through the page's own selector, so positions never leak past `item_visible_to`.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def queue_group(workspace_id: int) -> str:
    return f"queue.{workspace_id}"


def _push(workspace_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(queue_group(workspace_id), {"type": "queue.changed"})
    except Exception:  # a courtesy: the change itself is committed
        logger.warning("live queue update failed for workspace %s", workspace_id, exc_info=True)


def queue_changed(workspace_id: int) -> None:
    """Announce the change once the transaction that made it has committed."""
    transaction.on_commit(lambda: _push(workspace_id))
