"""Work's answers to the registries of parties (`pult.parties.registry`, `.panels`),
which stands below the engine and may not import it. Registered in `WorkConfig.ready()`.

- who sees the parties pages: the staff who see all the work or manage it;
- who files for any outlet: whoever manages the work (a head);
- who the specialists are: whoever takes work from the queue; their load is their
  assigned items that are not closed; their skills match the choices of each work
  type's skill field;
- the outlet card's items (and the link to all of them) and the specialist card's link
  to their items in work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery

from pult.parties import registry
from pult.parties.panels import outlet_panels, specialist_panels
from pult.work.models import FieldDef, Item, ItemType, StatusCategory
from pult.work.permissions import MANAGE, TAKE, VIEW_ALL
from pult.work.values import choice_label

if TYPE_CHECKING:
    from pult.accounts.models import Workspace
    from pult.core.http import WorkspaceRequest
    from pult.parties.models import Outlet

OUTLET_ITEMS_SHOWN = 10


def open_load(workspace: Workspace) -> Subquery:
    """A specialist's assigned items that are not closed: a count correlated on the user."""
    load = (
        Item.objects.filter(workspace=workspace, assignees=OuterRef("pk"))
        .exclude(category=StatusCategory.CLOSED)
        .order_by()
        .values("workspace")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(load, output_field=IntegerField())


def skill_choices(workspace: Workspace) -> list[tuple[str, str]]:
    """(value, label) of the choices of each work type's skill field: two queries."""
    wanted = Q()
    for type_id, key in (
        ItemType.objects.filter(workspace=workspace)
        .exclude(skill_field="")
        .values_list("pk", "skill_field")
    ):
        wanted |= Q(item_type_id=type_id, key=key)
    if not wanted:
        return []
    found: list[tuple[str, str]] = []
    for field in FieldDef.objects.filter(wanted):
        for choice in field.choices or []:
            value = str(choice.get("value", "")).lower()
            if value:
                found.append((value, choice_label(field, str(choice.get("value")))))
    return found


def outlet_items(request: WorkspaceRequest, outlet: Outlet) -> dict[str, Any]:
    """The outlet's latest items the actor may see (one page of the item list)."""
    from pult.work.filters import ItemFilter
    from pult.work.selectors import item_list

    requests = item_list(
        actor=request.user,
        workspace=request.workspace,
        flt=ItemFilter(outlet=outlet.pk),
        cursor=None,
        page_size=OUTLET_ITEMS_SHOWN,
    )
    return {"requests": requests}


def register() -> None:
    registry.register_parties_viewer(VIEW_ALL)
    registry.register_parties_viewer(MANAGE)
    registry.register_any_outlet_filer(MANAGE)
    registry.register_specialist_permission(TAKE)
    registry.register_specialist_load("work.open_items", open_load)
    registry.register_skill_source("work.skill_fields", skill_choices)
    outlet_panels.register(
        "work.all_items",
        template="work/_outlet_all_items.html",
        context=lambda request, outlet: {},
        where="head",
    )
    outlet_panels.register(
        "work.recent_items",
        template="work/_outlet_items.html",
        context=outlet_items,
        where="main",
    )
    specialist_panels.register(
        "work.items_in_work",
        template="work/_specialist_items.html",
        context=lambda request, specialist: {},
        where="head",
    )
