"""Work-item writes. `work_item_transition` is the only writer of an item's status;
the form, the kanban drag, the API and imports all come through these functions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pult.activity.describe import both_languages
from pult.activity.services import event_record
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.work import computed, effects, guards, hooks, live, policies
from pult.work.exceptions import (
    ItemClosed,
    StageIncomplete,
    StageOutOfOrder,
    StageSignedLater,
    TransitionBlocked,
)
from pult.work.models import (
    FieldDef,
    FieldMode,
    Item,
    ItemPause,
    ItemType,
    SavedView,
    SignOff,
    Stage,
    Status,
    StatusCategory,
)
from pult.work.pipeline_cache import pipeline_of
from pult.work.selectors import item_for_update
from pult.work.values import is_empty, parse_value, person_problem, requester_contact_gaps

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.parties.models import Client, Contract, Outlet
    from pult.work.models import Transition


def _clean_values(
    *,
    actor: User,
    item_type: ItemType,
    status: Status,
    item: Item | None,
    raw: Mapping[str, Any],
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Parse `raw` by the fields' kinds under the field policy; refuse, naming each field,
    what is malformed, not editable for the actor, or required and empty."""
    fields = list(item_type.fields.all())
    modes = policies.field_modes(
        actor=actor, item_type=item_type, status=status, item=item, fields=fields
    )
    values = dict(current or {})
    errors: dict[str, list[str]] = {}
    by_key = {f.key: f for f in fields}
    for key, value in raw.items():
        field = by_key.get(key)
        if field is None:
            errors[key] = [_("Unknown field.")]
            continue
        if field.computed:
            continue  # computed on save from other values; input is ignored
        if modes[key] not in (FieldMode.EDIT, FieldMode.REQUIRED):
            if parse_or_none(field, value) != values.get(key):
                errors[key] = [_("You may not change this field now.")]
            continue
        try:
            parsed = parse_value(field, value)
        except ValueError as error:
            errors[key] = [str(error)]
            continue
        # A newly chosen person must hold one of the field's roles; one chosen before a
        # restriction stays until someone changes it.
        changed = parsed is not None and parsed != values.get(key)
        workspace_id = item_type.workspace_id
        if changed and (problem := person_problem(field, parsed, workspace_id=workspace_id)):
            errors[key] = [problem]
            continue
        values[key] = parsed
    for field in fields:
        # A stage's required fields are enforced when the stage is signed off, so a
        # stage can be filled in over several saves (stage_sign names what is missing).
        if field.stage_id is not None:
            continue
        if modes[field.key] == FieldMode.REQUIRED and is_empty(values.get(field.key)):
            errors.setdefault(field.key, [_("This field is required.")])
    if errors:
        names = [by_key[k].name if k in by_key else k for k in errors]
        message = _("Please fill in correctly: %(fields)s.") % {"fields": ", ".join(names)}
        if len(errors) == 1:  # one field: say what is wrong with it, the page shows this line
            message = _("%(field)s: %(problem)s") % {
                "field": names[0],
                "problem": " ".join(next(iter(errors.values()))),
            }
        raise DomainError(message, field_errors=errors)
    return {k: v for k, v in values.items() if v is not None}


def parse_or_none(field: FieldDef, value: Any) -> Any:
    try:
        return parse_value(field, value)
    except ValueError:
        return object()  # never equal to a stored value


def _queue_fields(item: Item, status: Status) -> None:
    item.status = status
    item.category = status.category
    item.in_queue = status.queued


@transaction.atomic
def work_item_submit(
    *,
    actor: User,
    workspace: Workspace,
    item_type_key: str,
    title: str,
    values: Mapping[str, Any],
    outlet: Outlet | None = None,
    client: Client | None = None,
    contract: Contract | None = None,
    manager: User | None = None,
) -> Item:
    """File a new item: numbered, validated by the field policy, placed in the queue.

    An order (P2) names its client, contract and manager, checked by
    `orders.order_parties_clean`; the design desk passes none of them.
    """
    from pult.work.item_parties import order_parties_clean

    if not policies.can_submit_item(actor, workspace):
        raise Forbidden(_("You may not file requests here."))
    item_type = (
        ItemType.objects.select_for_update().filter(workspace=workspace, key=item_type_key).first()
    )
    if item_type is None:
        raise NotFound(_("Unknown kind of request."))
    if item_type.requires_contacts and (gaps := requester_contact_gaps(actor, workspace)):
        raise TransitionBlocked(missing=gaps)
    if outlet is not None:
        foreign = outlet.workspace_id != workspace.pk
        not_mine = not outlet.members.filter(pk=actor.pk).exists()
        if foreign or (not_mine and not policies.can_manage_items(actor, workspace)):
            raise DomainError(
                _("Choose one of your outlets."),
                field_errors={"outlet": [_("Choose one of your outlets.")]},
            )
    parties = order_parties_clean(
        actor=actor, workspace=workspace, client=client, contract=contract, manager=manager
    )
    title = title.strip()
    if not title:
        raise DomainError(
            _("Enter a short title."), field_errors={"title": [_("This field is required.")]}
        )
    status = item_type.statuses.get(is_initial=True)
    clean = _clean_values(actor=actor, item_type=item_type, status=status, item=None, raw=values)
    item_type.last_number += 1
    item_type.save(update_fields=["last_number"])
    now = timezone.now()
    item = Item(
        workspace=workspace,
        item_type=item_type,
        number=item_type.last_number,
        title=title[:300],
        requester=actor,
        outlet=outlet,
        client=parties.client,
        contract=parties.contract,
        manager=parties.manager,
        values=clean,
        submitted_at=now,
        queue_rank=1,
        queue_at=now,
    )
    _queue_fields(item, status)
    computed.apply_computed(item)
    item.save()
    item.watchers.add(actor)
    hooks.item_created(item)  # the desk's dates, the statistics rollup: same transaction
    event_record(
        actor=actor,
        workspace=workspace,
        verb="work.item_submitted",
        target=item,
        payload={"reference": item.reference},
    )
    live.queue_changed(workspace.pk)
    if item_type.auto_assign:
        # The desk's listener of work.item_submitted may have given it to someone.
        item.refresh_from_db()
    return item


def _refuse_if_closed(item: Item) -> None:
    """A closed item changes only by a step that reopens it (`policies.is_frozen`)."""
    if policies.is_frozen(item):
        raise ItemClosed(
            _("%(ref)s is closed (“%(status)s”): changes are not accepted.")
            % {"ref": item.reference, "status": item.status.name}
        )


def _find_transition(item: Item, key: str) -> Transition:
    transition = pipeline_of(item.item_type).transition(key, item.status_id)
    if transition is None:
        raise DomainError(
            _("This step is not possible from “%(status)s”.") % {"status": item.status.name}
        )
    return transition


def _move(item: Item, to_status: Status, *, now: datetime) -> None:
    """Set the status and what follows from it: queue, pause intervals, closing time."""
    was_paused = item.status.category == StatusCategory.PAUSED
    _queue_fields(item, to_status)
    if to_status.category == StatusCategory.PAUSED and not was_paused:
        ItemPause.objects.create(item=item, started_at=now)
    if was_paused and to_status.category != StatusCategory.PAUSED:
        ItemPause.objects.filter(item=item, ended_at__isnull=True).update(ended_at=now)
    if to_status.category == StatusCategory.OPEN and not to_status.queued:
        item.started_at = item.started_at or now  # work began: the queue is behind it
    if to_status.category == StatusCategory.CLOSED:
        item.closed_at = item.closed_at or now
    else:
        item.closed_at = None


@transaction.atomic
def work_item_transition(
    *,
    actor: User,
    workspace: Workspace,
    item_id: int,
    transition_key: str,
    comment: str = "",
    values: Mapping[str, Any] | None = None,
) -> Item:
    """Move an item along its pipeline. The only writer of Item.status.

    The item row is locked, the step checked against the actor and its guards; a
    refusal names exactly what is missing. Values given with the step are saved first
    (under the target status's field policy) so one form can fill and move.
    """
    item = item_for_update(actor, workspace, item_id)
    return work_item_step(
        actor=actor, item=item, transition_key=transition_key, comment=comment, values=values
    )


def work_item_step(
    *,
    actor: User,
    item: Item,
    transition_key: str,
    comment: str = "",
    values: Mapping[str, Any] | None = None,
) -> Item:
    """The step on an item its caller holds locked (`item_for_update`, in the caller's
    transaction: `work_item_transition`, the desk's take): checks, values, guards,
    effects, the move and the event, on the caller's item object."""
    workspace = item.workspace
    transition = _find_transition(item, transition_key)
    if not policies.can_take_transition(actor, item, transition):
        raise Forbidden(_("You may not take this step."))
    if transition.needs_comment and not comment.strip():
        raise TransitionBlocked(
            missing=[_("a comment")], field_errors={"comment": [_("Say why, in a comment.")]}
        )
    if values:
        item.values = _clean_values(
            actor=actor,
            item_type=item.item_type,
            status=item.status,
            item=item,
            raw=values,
            current=item.values,
        )
        computed.apply_computed(item)
    if missing := guards.missing_for(item, transition, actor):
        raise TransitionBlocked(missing=missing)
    before = item.status
    with hooks.item_changing(item) as change:
        effects.apply(item, transition, actor)  # e.g. the take step assigns its actor
        _move(item, transition.to_status, now=timezone.now())
        change.settle()  # e.g. the desk's dates for the new status, saved with it
        item.save()
    event_record(
        actor=actor,
        workspace=workspace,
        verb="work.status_changed",
        target=item,
        payload={
            "from": both_languages(before.name_en, before.name_ru),
            "to": both_languages(transition.to_status.name_en, transition.to_status.name_ru),
            "step": both_languages(transition.label_en, transition.label_ru),
            "from_key": before.key,
            "to_key": transition.to_status.key,
            "step_key": transition.key,
            "comment": comment.strip()[:2000],
        },
    )
    live.queue_changed(workspace.pk)
    return item


@transaction.atomic
def work_item_set_urgent(*, actor: User, workspace: Workspace, item_id: int, urgent: bool) -> Item:
    """Mark or unmark urgent (heads only). Urgent items queue behind earlier urgent ones."""
    if not policies.can_manage_items(actor, workspace):
        raise Forbidden(_("Only the head marks requests urgent."))
    item = item_for_update(actor, workspace, item_id)
    _refuse_if_closed(item)
    if urgent == (item.urgent_at is not None):
        return item
    if urgent:
        item.urgent_at = timezone.now()
        item.queue_rank, item.queue_at = 0, item.urgent_at
    else:
        item.urgent_at = None
        item.queue_rank, item.queue_at = 1, item.submitted_at
    item.save(update_fields=["urgent_at", "queue_rank", "queue_at", "updated_at"])
    event_record(
        actor=actor,
        workspace=workspace,
        verb="work.marked_urgent" if urgent else "work.unmarked_urgent",
        target=item,
    )
    live.queue_changed(workspace.pk)
    return item


def requester_gaps(*, actor: User, workspace: Workspace, item_type: ItemType) -> list[str]:
    """What the actor must complete before filing this type (empty when nothing)."""
    if not item_type.requires_contacts:
        return []
    return requester_contact_gaps(actor, workspace)


def outlet_for(workspace: Workspace, outlet_id: int | None) -> Outlet | None:
    """The outlet chosen on a form (the service checks it belongs to the actor)."""
    if not outlet_id:
        return None
    from pult.parties.models import Outlet

    return Outlet.objects.filter(workspace=workspace, pk=outlet_id).first()


@transaction.atomic
def work_item_assign(*, actor: User, workspace: Workspace, item_id: int, assignee: User) -> Item:
    """A head gives the item to a specialist (who must be able to take work)."""
    if not policies.can_manage_items(actor, workspace):
        raise Forbidden(_("Only the head assigns requests."))
    item = item_for_update(actor, workspace, item_id)
    _refuse_if_closed(item)
    if not policies.can_take_items(assignee, workspace):
        raise DomainError(
            _("%(name)s cannot take requests in this workspace.") % {"name": assignee.full_name}
        )
    with hooks.item_changing(item):
        item.assignees.set([assignee])
    event_record(
        actor=actor,
        workspace=workspace,
        verb="work.assigned",
        target=item,
        payload={"assignee": assignee.full_name, "assignee_id": assignee.pk},
    )
    return item


@transaction.atomic
def work_item_update(
    *, actor: User, workspace: Workspace, item_id: int, values: Mapping[str, Any]
) -> Item:
    """Change custom field values, each as the field policy allows in the current status;
    a closed item's not at all."""
    item = item_for_update(actor, workspace, item_id)
    _refuse_if_closed(item)
    before = dict(item.values)
    item.values = _clean_values(
        actor=actor,
        item_type=item.item_type,
        status=item.status,
        item=item,
        raw=dict(values),
        current=item.values,
    )
    computed.apply_computed(item)
    # The keys whose value really changed (a saved card posts all of its fields): rules
    # react to "payment entered", not to any save, and a save that changes nothing
    # records and tells nothing.
    changed = sorted(
        k for k in before.keys() | item.values.keys() if before.get(k) != item.values.get(k)
    )
    if not changed:
        return item
    item.save(update_fields=["values", "updated_at"])
    event_record(
        actor=actor,
        workspace=workspace,
        verb="work.fields_changed",
        target=item,
        # The new values, so the event reads "Payment amount: 645 000 ₽" to each reader
        # who may see that field (work.events.field_changes).
        payload={"fields": changed, "values": {k: item.values.get(k) for k in changed}},
    )
    return item


def _stage_of(item: Item, stage_key: str) -> Stage:
    stage = item.item_type.stages.filter(key=stage_key).first()
    if stage is None:
        raise NotFound(_("Unknown stage."))
    return stage


@transaction.atomic
def stage_sign(*, actor: User, workspace: Workspace, item_id: int, stage_key: str) -> SignOff:
    """Sign a stage off by name: only its signer, only once, only on an open item, in a
    pipeline signed in order only after every earlier stage (a refusal names them), and
    only with every field the policy makes required for it filled in (a refusal names
    each missing field). The parts of `policies.can_sign_stage`, each named."""
    item = item_for_update(actor, workspace, item_id)
    stage = _stage_of(item, stage_key)
    if not policies.is_stage_signer(actor, item, stage):
        raise Forbidden(_("You may not sign off “%(stage)s”.") % {"stage": stage.name})
    _refuse_if_closed(item)
    signed = policies.signed_stage_ids(item)
    if stage.pk in signed:
        raise DomainError(_("“%(stage)s” is already signed off.") % {"stage": stage.name})
    if earlier := policies.unsigned_earlier_stages(item, stage, signed):
        raise StageOutOfOrder([s.name for s in earlier])
    missing = [
        field
        for field in policies.stage_required_fields(item, stage)
        if is_empty(item.values.get(field.key))
    ]
    if missing:
        # What the signer may not see is not named to them (the page lists the same).
        modes = policies.field_modes(
            actor=actor, item_type=item.item_type, status=item.status, item=item
        )
        shown = [field for field in missing if modes.get(field.key) != FieldMode.HIDDEN]
        names = [str(field.name) for field in shown]
        if hidden := len(missing) - len(shown):
            names.append(
                ngettext("%(n)s field you cannot see", "%(n)s fields you cannot see", hidden)
                % {"n": hidden}
            )
        raise StageIncomplete(
            stage.name,
            names,
            field_errors={field.key: [_("This field is required.")] for field in shown},
        )
    signoff = SignOff.objects.create(
        item=item,
        stage=stage,
        user=actor,
        signer_name=actor.full_name or actor.email,
        signed_at=timezone.now(),
    )
    item.save(update_fields=["updated_at"])
    event_record(
        actor=actor,
        workspace=workspace,
        verb="work.stage_signed",
        target=item,
        payload={
            "stage": both_languages(stage.name_en, stage.name_ru),
            "stage_key": stage.key,
            "signer": signoff.signer_name,
        },
    )
    return signoff


@transaction.atomic
def stage_unsign(*, actor: User, workspace: Workspace, item_id: int, stage_key: str) -> Item:
    """Withdraw a sign-off (managers only, on an open item; in a pipeline signed in order,
    the last signed stage first): the stage's fields open for editing again. The parts
    of `policies.can_unsign_stage`, each named."""
    item = item_for_update(actor, workspace, item_id)
    stage = _stage_of(item, stage_key)
    if not policies.can_manage_items(actor, workspace):
        raise Forbidden(_("Only a manager withdraws a sign-off."))
    _refuse_if_closed(item)
    signed = policies.signed_stage_ids(item)
    if stage.pk not in signed:
        raise DomainError(_("“%(stage)s” is not signed off.") % {"stage": stage.name})
    if later := policies.signed_later_stages(item, stage, signed):
        raise StageSignedLater([s.name for s in later])
    SignOff.objects.filter(item=item, stage=stage).delete()
    item.save(update_fields=["updated_at"])
    event_record(
        actor=actor,
        workspace=workspace,
        verb="work.stage_unsigned",
        target=item,
        payload={"stage": both_languages(stage.name_en, stage.name_ru), "stage_key": stage.key},
    )
    return item


@transaction.atomic
def work_item_set_dates(
    *,
    actor: User,
    workspace: Workspace,
    item_id: int,
    start_at: datetime | None,
    due_at: datetime | None,
    reason: str,
) -> Item:
    """A head overrides the regulation dates, with a reason that goes to the timeline.
    From then on the regulations stop recomputing this item's dates."""
    if not policies.can_manage_items(actor, workspace):
        raise Forbidden(_("Only the head changes dates."))
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why the dates change.")]
    if start_at and due_at and due_at < start_at:
        errors["due_at"] = [_("The due date cannot be before the start.")]
    if errors:
        raise DomainError(_("The dates were not changed."), field_errors=errors)
    item = item_for_update(actor, workspace, item_id)
    _refuse_if_closed(item)
    with hooks.item_changing(item):
        item.start_at, item.due_at, item.dates_fixed = start_at, due_at, True
        item.save(update_fields=["start_at", "due_at", "dates_fixed", "updated_at"])
    event_record(
        actor=actor,
        workspace=workspace,
        verb="work.dates_changed",
        target=item,
        payload={
            "reason": reason[:500],
            "start_at": start_at.isoformat() if start_at else None,
            "due_at": due_at.isoformat() if due_at else None,
        },
    )
    return item


@transaction.atomic
def work_item_watch(*, actor: User, workspace: Workspace, item_id: int, watch: bool) -> Item:
    """Follow or stop following an item the actor can see (notifications as a participant)."""
    from pult.work.selectors import item_visible_to

    item = item_visible_to(actor, workspace).filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("Not found."))
    if watch:
        item.watchers.add(actor)
    else:
        item.watchers.remove(actor)
    return item


@transaction.atomic
def work_item_join(*, actor: User, workspace: Workspace, item_id: int) -> Item:
    """Join a similar open request of one's outlet instead of filing a duplicate."""
    item = work_item_watch(actor=actor, workspace=workspace, item_id=item_id, watch=True)
    event_record(actor=actor, workspace=workspace, verb="work.joined", target=item)
    return item


@transaction.atomic
def saved_view_save(*, actor: User, workspace: Workspace, name: str, query: str) -> SavedView:
    """Save (or overwrite, by name) the actor's filter of the item list."""
    name = name.strip()
    if not name:
        raise DomainError(
            _("Name the view."), field_errors={"name": [_("This field is required.")]}
        )
    view, _created = SavedView.objects.update_or_create(
        workspace=workspace, user=actor, name=name[:80], defaults={"query": query[:1000]}
    )
    return view


def saved_view_delete(*, actor: User, workspace: Workspace, view_id: int) -> None:
    deleted, _rows = SavedView.objects.filter(workspace=workspace, user=actor, pk=view_id).delete()
    if not deleted:
        raise NotFound(_("Not found."))
