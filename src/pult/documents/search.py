"""Ready materials in the global search, through `material_visible_to` (members only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy

from pult.documents import selectors
from pult.ui.search_registry import SearchHit, register_search_source

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def find_materials(actor: User, workspace: Workspace, query: str, limit: int) -> list[SearchHit]:
    page = selectors.material_page(actor=actor, workspace=workspace, query=query, page_size=limit)
    return [
        SearchHit(
            url=reverse("documents:material_download", args=[material.pk]),
            label=material.title,
            details=[material.category.name, material.brand.name if material.brand else ""],
        )
        for material in page.rows
    ]


def register() -> None:
    register_search_source(
        "materials",
        gettext_lazy("Materials"),
        find_materials,
        position=60,
        list_url_name="documents:material_list",
    )
