"""Who may write in an item's chat and who may read its internal notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet

from pult.work import policies as work_policies
from pult.work.permissions import MANAGE, VIEW_ALL

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pult.accounts.models import User, Workspace
    from pult.work.models import Item


def can_see_internal_notes(actor: User, workspace: Workspace) -> bool:
    """Staff who see every item (heads, specialists); never applicants or requesters."""
    return bool(actor.is_authenticated) and work_policies.can_see_all_items(actor, workspace)


def _internal_note_grants(workspace: Workspace, **member: Any) -> QuerySet[Any]:
    """Grants held through an active membership; `member` narrows that same membership
    (user=…, user_id__in=…). It must go into this one filter(): a second filter() on
    the many-valued relation would join the memberships again, match any membership of
    the role (inactive ones too) and multiply the rows (90,000 for 300 members)."""
    from pult.access.models import RolePermission

    return RolePermission.objects.filter(
        code__in=(VIEW_ALL, MANAGE),
        role__workspace=workspace,
        role__memberships__workspace=workspace,
        role__memberships__is_active=True,
        role__memberships__user__is_active=True,
        **{f"role__memberships__{lookup}": value for lookup, value in member.items()},
    )


def internal_note_reader_ids(workspace: Workspace, user_ids: Iterable[int]) -> set[int]:
    """Of these people, those for whom `can_see_internal_notes` holds: the same rule
    (see every item, or manage items) in one query, for lists of readers or recipients."""
    return set(
        _internal_note_grants(workspace, user_id__in=list(user_ids)).values_list(
            "role__memberships__user_id", flat=True
        )
    )


def sees_internal_notes(workspace: Workspace, user: OuterRef) -> Exists:
    """`can_see_internal_notes` for the user a row points at, as an SQL condition."""
    return Exists(_internal_note_grants(workspace, user=user))


def can_post_internal_note(actor: User, workspace: Workspace) -> bool:
    return can_see_internal_notes(actor, workspace)


def can_post_message(actor: User, item: Item, *, item_is_visible: bool = False) -> bool:
    """Anyone who can see the item may write in its chat (`item_is_visible` when the
    caller has just fetched it through the item's visibility selector)."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    if item_is_visible:
        return True
    from pult.work.selectors import item_visible_to

    return item_visible_to(actor, item.workspace).filter(pk=item.pk).exists()
