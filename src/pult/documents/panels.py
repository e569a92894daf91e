"""The documents app's cards on the item page (`pult.work.panels`), registered in
`DocumentsConfig.ready()`: the item's files, then the documents of an order (the
template tag draws nothing for an item that keeps no documents)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pult.documents.selectors import attachment_context
from pult.work.panels import item_panels

if TYPE_CHECKING:
    from pult.core.http import WorkspaceRequest
    from pult.work.models import Item


def item_files(request: WorkspaceRequest, item: Item) -> dict[str, Any]:
    return attachment_context(actor=request.user, workspace=request.workspace, item=item)


def item_documents(request: WorkspaceRequest, item: Item) -> dict[str, Any]:
    return {}  # `{% item_documents_panel item %}` reads what it needs itself


def register() -> None:
    item_panels.register(
        "documents.files",
        template="documents/_item_attachments.html",
        context=item_files,
        where="side",
        position=20,
    )
    item_panels.register(
        "documents.documents",
        template="documents/_documents_panel.html",
        context=item_documents,
        where="side",
        position=30,
    )
