"""People (the workspace's members) in the global search: the kernel's own source,
registered by the ui app, through `accounts.selectors.membership_visible_to`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy

from pult.accounts import selectors
from pult.ui.search_registry import SearchHit, register_search_source

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def find_people(actor: User, workspace: Workspace, query: str, limit: int) -> list[SearchHit]:
    members = selectors.member_search(actor=actor, workspace=workspace, query=query, limit=limit)
    return [
        SearchHit(
            url=reverse("accounts:person", args=[member.user_id]),
            label=member.user.full_name or member.user.email,
            details=[member.user.position, member.user.email],
        )
        for member in members
    ]


def register() -> None:
    register_search_source(
        "people",
        gettext_lazy("People"),
        find_people,
        position=50,
        list_url_name="accounts:people",
    )
