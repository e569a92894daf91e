"""Event kinds of the work engine and who sees them in the feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pult.activity.registry import Verb, register_verbs, register_visibility
from pult.notifications.registry import register_participants
from pult.work.models import Item, ItemType
from pult.work.permissions import CONFIGURE
from pult.work.policies import can_configure_pipeline
from pult.work.selectors import item_visible_to

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

register_verbs(
    Verb("work.item_submitted", _("%(actor)s filed %(target)s"), _("Request filed")),
    Verb("work.status_changed", _("%(actor)s: %(step)s — %(target)s"), _("Status changed")),
    Verb("work.taken", _("%(actor)s took %(target)s"), _("Request taken")),
    Verb(
        "work.assigned", _("%(actor)s assigned %(target)s to %(assignee)s"), _("Request assigned")
    ),
    Verb("work.marked_urgent", _("%(actor)s marked %(target)s urgent"), _("Marked urgent")),
    Verb(
        "work.unmarked_urgent",
        _("%(actor)s removed the urgent mark of %(target)s"),
        _("Urgent mark removed"),
    ),
    Verb(
        "work.dates_changed",
        _("%(actor)s changed the dates of %(target)s: %(reason)s"),
        _("Dates changed"),
    ),
    Verb("work.due_soon", _("%(target)s is due at %(due)s"), _("Due soon")),
    Verb("work.overdue", _("%(target)s is overdue (was due at %(due)s)"), _("Overdue")),
    Verb(
        "work.validity_expiring",
        _("%(target)s: “%(field)s” runs out on %(date)s"),
        _("Validity expiring"),
    ),
    Verb("work.joined", _("%(actor)s joined %(target)s"), _("Joined a request")),
    Verb("work.fields_changed", _("%(actor)s changed fields of %(target)s"), _("Fields changed")),
    Verb(
        "work.stage_signed", _("%(actor)s signed off “%(stage)s” of %(target)s"), _("Stage signed")
    ),
    Verb(
        "work.stage_unsigned",
        _("%(actor)s withdrew the sign-off of “%(stage)s” of %(target)s"),
        _("Sign-off withdrawn"),
    ),
    Verb(
        "work.order_parties_changed",
        _("%(actor)s set %(target)s for %(client)s, contract %(contract)s, manager %(manager)s"),
        _("Client of an order changed"),
    ),
    Verb(
        "work.pipeline_changed",
        _("%(actor)s changed the pipeline “%(target)s”"),
        _("Pipeline changed"),
        requires=CONFIGURE,
    ),
)
register_visibility(Item, item_visible_to)


def _item_types_visible_to(actor: User, workspace: Workspace) -> QuerySet[ItemType] | None:
    # Pipeline changes are seen by those who may configure pipelines.
    if not can_configure_pipeline(actor, workspace):
        return None
    return ItemType.objects.filter(workspace=workspace)


register_visibility(ItemType, _item_types_visible_to)


def _participants(item: Item) -> list[int]:
    ids = {item.requester_id}
    if item.manager_id:
        ids.add(item.manager_id)  # the responsible manager of an order hears about it
    ids.update(item.assignees.values_list("pk", flat=True))
    ids.update(item.watchers.values_list("pk", flat=True))
    return sorted(ids)


register_participants(Item, _participants)  # type: ignore[arg-type]
