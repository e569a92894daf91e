"""Work items in the global search: orders for clients and the other requests, each
through `item_visible_to` (what the list's find box matches, `filters.text_match`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy

from pult.ui.search_registry import SearchHit, register_search_source, shared
from pult.work import selectors
from pult.work.filters import text_match
from pult.work.templatetags.work_badges import status_badge

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.work.models import Item


def _hits(items: list[Item]) -> list[SearchHit]:
    return [
        SearchHit(
            url=reverse("work:item_detail", args=[item.pk]),
            label=item.reference,
            badge=status_badge(item.status),
            details=[
                item.title,
                item.client.name if item.client else str(item.outlet or ""),
                item.requester.full_name,
            ],
        )
        for item in items
    ]


def _find(actor: User, workspace: Workspace, query: str, limit: int, *, orders: bool) -> list[Item]:
    # Orders and requests match the same rows: the matched ids are read once per search.
    match = shared(("work.text_match", query), lambda: text_match(query))
    return selectors.item_search(
        actor=actor, workspace=workspace, query=query, limit=limit, orders=orders, match=match
    )


def find_orders(actor: User, workspace: Workspace, query: str, limit: int) -> list[SearchHit]:
    return _hits(_find(actor, workspace, query, limit, orders=True))


def find_requests(actor: User, workspace: Workspace, query: str, limit: int) -> list[SearchHit]:
    return _hits(_find(actor, workspace, query, limit, orders=False))


def register() -> None:
    register_search_source("orders", gettext_lazy("Client orders"), find_orders, position=30)
    register_search_source("requests", gettext_lazy("Requests"), find_requests, position=40)
