"""What the pages of work and of the apps above it (the desk's queue) share: the kind of
item a page is about, read once per request; and the facts other apps put on the item
page's head and dates (the desk: the place in the queue and the expected start).

    # desk/apps.py
    pages.register_item_facts(queue_place)  # (request, actor, item) -> {"position": …}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import Http404

from pult.core.http import WorkspaceRequest
from pult.work.filters import ItemFilter
from pult.work.models import ItemType

if TYPE_CHECKING:
    from pult.accounts.models import User
    from pult.work.models import Item

ItemFacts = Callable[[WorkspaceRequest, "User", "Item"], dict[str, Any]]
_item_facts: list[ItemFacts] = []


def register_item_facts(facts: ItemFacts) -> None:
    if facts not in _item_facts:
        _item_facts.append(facts)


def item_facts() -> list[ItemFacts]:
    return list(_item_facts)


def item_types(request: WorkspaceRequest) -> list[ItemType]:
    """The workspace's kinds of item, read once per request (the page and its filter
    bar both ask)."""
    types: list[ItemType] | None = getattr(request, "_pult_item_types", None)
    if types is None:
        types = list(ItemType.objects.filter(workspace=request.workspace).order_by("pk"))
        request._pult_item_types = types  # type: ignore[attr-defined]
    return types


def item_type_of(request: WorkspaceRequest, flt: ItemFilter | None = None) -> ItemType:
    """The type the page is about: chosen in the filter, else the workspace's first."""
    types = item_types(request)
    if not types:
        raise Http404
    wanted = flt.item_type if flt else None
    return next((t for t in types if t.pk == wanted), types[0])
