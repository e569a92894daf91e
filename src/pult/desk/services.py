"""The desk's writes: taking from the queue (the next one, or one chosen) and the
automatic assignment of new items to the least-loaded specialist. Each takes the type's
take step through the engine's one writer of the status (`work_item_step`), on the item
row it has locked, so a take from the queue is the same step as from the page, the
board or the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pult.activity.services import event_record
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.core.locking import locked
from pult.parties.models import SpecialistProfile
from pult.work import hooks, policies
from pult.work.exceptions import QueueEmpty
from pult.work.models import Item, ItemType, StatusCategory
from pult.work.selectors import item_for_update, specialist_list
from pult.work.services import work_item_step

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


@transaction.atomic
def work_item_take_next(*, actor: User, workspace: Workspace, item_type_key: str) -> Item:
    """Give the specialist the top of the queue. Two specialists taking at the same
    moment get different items: rows locked by the first are skipped by the second."""
    if not policies.can_take_items(actor, workspace):
        raise Forbidden(_("You may not take requests."))
    item_type = ItemType.objects.filter(workspace=workspace, key=item_type_key).first()
    if item_type is None:
        raise NotFound(_("Unknown kind of request."))
    item = (
        Item.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(workspace=workspace, item_type=item_type, in_queue=True)
        .order_by("queue_rank", "queue_at", "id")
        .first()
    )
    if item is None:
        raise QueueEmpty(_("The queue is empty."))
    return work_item_take(actor=actor, workspace=workspace, item_id=item.pk)


@transaction.atomic
def work_item_take(*, actor: User, workspace: Workspace, item_id: int) -> Item:
    """A specialist takes one item: becomes its assignee and starts it."""
    if not policies.can_take_items(actor, workspace):
        raise Forbidden(_("You may not take requests."))
    item = item_for_update(actor, workspace, item_id)
    if not item.in_queue:
        raise DomainError(_("%(ref)s is no longer waiting.") % {"ref": item.reference})
    # The take step's effect makes the actor its assignee (work.effects), whichever way
    # the step is taken; this is the queue's way in.
    return work_item_step(actor=actor, item=item, transition_key=item.item_type.take_transition)


def _auto_assignee(item: Item) -> User | None:
    """The least-loaded specialist who may take the item now: not absent today, with
    room under their capacity and, when the type names a skill field, that skill (a
    specialist without listed skills takes anything). Ties go to the longest-serving."""
    today = timezone.localdate()
    specialists = specialist_list(workspace=item.workspace)
    if not specialists:
        return None
    profiles = {
        p.user_id: p
        for p in SpecialistProfile.objects.filter(
            workspace=item.workspace, user__in=[s.pk for s in specialists]
        )
    }
    loads = dict(
        Item.assignees.through.objects.filter(
            user_id__in=[s.pk for s in specialists],
            item__workspace=item.workspace,
        )
        .exclude(item__category=StatusCategory.CLOSED)
        .values_list("user_id")
        .annotate(n=Count("item_id"))
    )
    skill = (
        str(item.values.get(item.item_type.skill_field, "")) if item.item_type.skill_field else ""
    )
    candidates = []
    for specialist in specialists:
        profile = profiles.get(specialist.pk)
        capacity = profile.capacity if profile else 5
        if profile and profile.is_absent_on(today):
            continue
        if skill and profile and profile.skill_list and skill.lower() not in profile.skill_list:
            continue
        load = loads.get(specialist.pk, 0)
        if load < capacity:
            candidates.append((load, specialist.pk, specialist))
    return min(candidates, key=lambda c: (c[0], c[1]))[2] if candidates else None


@transaction.atomic
def work_item_auto_assign(*, workspace: Workspace, item_id: int) -> Item | None:
    """Give a waiting item to the least-loaded eligible specialist, who starts it; None
    (the item stays in the queue) when nobody is free."""
    item = item_for_update(None, workspace, item_id)
    if not item.in_queue:
        return None
    assignee = _auto_assignee(item)
    if assignee is None:
        return None
    with hooks.item_changing(item):
        item.assignees.add(assignee)
    event_record(
        actor=None,
        workspace=workspace,
        verb="work.assigned",
        target=item,
        payload={"assignee": assignee.full_name, "assignee_id": assignee.pk},
    )
    return work_item_step(actor=assignee, item=item, transition_key=item.item_type.take_transition)


@transaction.atomic
def item_type_auto_assign_set(
    *, actor: User, workspace: Workspace, item_type_id: int, enabled: bool
) -> ItemType:
    """A head switches automatic assignment of new items on or off."""
    if not policies.can_manage_items(actor, workspace):
        raise Forbidden(_("Only the head switches automatic assignment."))
    item_type = locked(
        ItemType.objects.filter(workspace=workspace),
        item_type_id,
        not_found=gettext_lazy("Unknown kind of request."),
    )
    item_type.auto_assign = enabled
    item_type.save(update_fields=["auto_assign"])
    return item_type
