"""The chat's card on the item page (`pult.work.panels`), registered in `ChatConfig.ready()`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pult.chat.selectors import chat_context
from pult.work.panels import item_panels

if TYPE_CHECKING:
    from pult.core.http import WorkspaceRequest
    from pult.work.models import Item


def item_chat(request: WorkspaceRequest, item: Item) -> dict[str, Any]:
    return chat_context(actor=request.user, workspace=request.workspace, item=item)


def register() -> None:
    item_panels.register(
        "chat.chat", template="chat/_item_chat.html", context=item_chat, where="main", position=10
    )
