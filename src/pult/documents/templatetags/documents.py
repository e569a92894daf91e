from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from pult.documents import markup

register = template.Library()


@register.filter
def kb_markup(body: str) -> SafeString:
    """An article's text as safe HTML (see pult.documents.markup)."""
    return markup.render(body or "")


@register.filter
def of_kind(attachments: Iterable[Any], kind: str) -> list[Any]:
    """The attachments of one kind: `attachments|of_kind:"deliverable"`."""
    return [a for a in attachments or [] if getattr(a, "kind", None) == kind]


@register.inclusion_tag("documents/_documents_item.html", takes_context=True)
def item_documents_panel(context: dict[str, Any], item: Any) -> dict[str, Any]:
    """The documents panel of an order page (`documents/_documents_panel.html`), from the
    documents selectors; empty for items that keep no documents (internal requests).
    `item` was fetched through `item_get`, so the actor may see it."""
    from pult.documents.document_selectors import document_panel, item_takes_documents

    request = context["request"]
    if not item_takes_documents(item):
        return {"show": False}
    panel = document_panel(actor=request.user, workspace=request.workspace, item=item)
    return panel | {"show": True, "request": request}
