"""Who may do what to a work item, and the one field policy (FieldRule)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from pult.access.policies import has_permission
from pult.access.policies import role_ids as access_role_ids
from pult.work.models import (
    FieldDef,
    FieldMode,
    FieldRule,
    Item,
    ItemType,
    SignOff,
    Stage,
    Status,
    StatusCategory,
    Transition,
)
from pult.work.permissions import CONFIGURE, MANAGE, SUBMIT, TAKE, VIEW_ALL

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

_MODE_ORDER = {FieldMode.HIDDEN: 0, FieldMode.READ: 1, FieldMode.EDIT: 2, FieldMode.REQUIRED: 3}


def role_ids(actor: User, workspace: Workspace) -> frozenset[int]:
    """The actor's role ids in the workspace (read with their permissions, cached)."""
    return access_role_ids(actor, workspace)


def relations(actor: User, item: Item | None) -> set[str]:
    """How the actor stands to the item: requester and/or assignee."""
    if item is None or item.pk is None:
        return {"requester"}  # a person filling the form files for themselves
    return relations_of(actor, item.requester_id, {u.pk for u in item.assignees.all()})


def relations_of(actor: User, requester_id: int | None, assignee_ids: Iterable[int]) -> set[str]:
    """`relations` from the item's requester and assignee ids."""
    found = set()
    if requester_id == actor.pk:
        found.add("requester")
    if actor.pk in assignee_ids:
        found.add("assignee")
    return found


def field_modes(
    *,
    actor: User,
    item_type: ItemType,
    status: Status,
    item: Item | None = None,
    fields: list[FieldDef] | None = None,
    rules: list[FieldRule] | None = None,
    signed: set[int] | None = None,
) -> dict[str, str]:
    """field key → hidden/read/edit/required for this actor in this status.

    Matching rules: status is this one or any, stage (when the rule names one) is not
    yet signed off, role is one of the actor's or any, relation is one the actor has or
    any; the most permissive mode wins. A signed stage freezes its fields (read-only
    until a manager withdraws the sign-off), a closed item all of them (`is_frozen`),
    and computed fields are never typed in.
    """
    fields = fields if fields is not None else list(item_type.fields.all())
    if rules is None:
        rules = rules_of(item_type)
    if signed is None:
        signed = signed_stage_ids(item)
    # The item as it stands; a step's guard asks about the status it leads to instead.
    closed = item is not None and status.pk == item.status_id and is_frozen(item)
    return _modes(
        fields,
        rules,
        status_id=status.pk,
        signed=signed,
        my_roles=role_ids(actor, item_type.workspace),
        my_relations=relations(actor, item),
        closed=closed,
    )


def _modes(
    fields: Iterable[FieldDef],
    rules: Iterable[FieldRule],
    *,
    status_id: int,
    signed: set[int],
    my_roles: frozenset[int],
    my_relations: set[str],
    closed: bool = False,
) -> dict[str, str]:
    modes: dict[str, str] = {}
    by_field: dict[int, list[FieldRule]] = {}
    for rule in rules:
        by_field.setdefault(rule.field_id, []).append(rule)
    for field in fields:
        # None until a rule matches: a matching "hidden" rule hides the field (starting
        # from read-only, hidden could never win and no field was ever hidden).
        best: FieldMode | None = None
        for rule in by_field.get(field.pk, []):
            if rule.status_id not in (None, status_id):
                continue
            if rule.stage_id is not None and rule.stage_id in signed:
                continue
            if rule.role_id is not None and rule.role_id not in my_roles:
                continue
            if rule.relation and rule.relation not in my_relations:
                continue
            if best is None or _MODE_ORDER[FieldMode(rule.mode)] > _MODE_ORDER[best]:
                best = FieldMode(rule.mode)
        if best is None:
            best = FieldMode.READ
        frozen = (
            closed or field.computed or (field.stage_id is not None and field.stage_id in signed)
        )
        if frozen and best != FieldMode.HIDDEN:
            best = FieldMode.READ
        modes[field.key] = best.value
    return modes


def field_modes_many(
    *, actor: User, workspace: Workspace, items: list[Item]
) -> dict[int, dict[str, str]]:
    """The field policy of each item of a list page (item id → field key → mode): the
    page's sign-offs in one query, fields and rules from the process's pipeline copies.
    The items come with `status` and prefetched `assignees` from their selector."""
    for item in items:  # of this workspace: spare a query per item type instance
        item.item_type.workspace = workspace
    return _modes_of_page(
        actor,
        workspace,
        [
            (
                item.pk,
                item.item_type,
                item.status_id,
                item.category == StatusCategory.CLOSED,
                item.requester_id,
                [user.pk for user in item.assignees.all()],
            )
            for item in items
        ],
    )


def field_modes_of_rows(
    *, actor: User, workspace: Workspace, rows: list[dict[str, Any]]
) -> dict[int, dict[str, str]]:
    """`field_modes_many` for the plain rows of `work.selectors.item_rows`."""
    return _modes_of_page(
        actor,
        workspace,
        [
            (
                row["id"],
                row["item_type"],
                row["status"].pk,
                row["status"].category == StatusCategory.CLOSED,
                row["requester"]["id"] if row["requester"] else None,
                [person["id"] for person in row["assignees"]],
            )
            for row in rows
        ],
    )


def _modes_of_page(
    actor: User,
    workspace: Workspace,
    items: list[tuple[int, ItemType, int, bool, int | None, list[int]]],
) -> dict[int, dict[str, str]]:
    """item id → modes, for (id, type, status id, closed, requester id, assignee ids) of
    each item of a page."""
    from pult.work.pipeline_cache import pipeline_of

    if not items:
        return {}
    signed = _signed_stages([item_id for item_id, *_rest in items])
    my_roles = role_ids(actor, workspace)
    # The modes depend on nothing else than these: a page of fifty items has a handful.
    found: dict[tuple[int, int, frozenset[str], frozenset[int]], dict[str, str]] = {}
    out: dict[int, dict[str, str]] = {}
    for item_id, item_type, status_id, closed, requester_id, assignees in items:
        mine = relations_of(actor, requester_id, assignees)
        item_signed = frozenset(signed.get(item_id, ()))
        key = (item_type.pk, status_id, frozenset(mine), item_signed)
        if key not in found:
            pipeline = pipeline_of(item_type)
            found[key] = _modes(
                pipeline.fields,
                pipeline.rules,
                status_id=status_id,
                signed=set(item_signed),
                my_roles=my_roles,
                my_relations=mine,
                closed=closed,  # the status's category: part of the key already
            )
        out[item_id] = found[key]
    return out


def _signed_stages(item_ids: list[int]) -> dict[int, set[int]]:
    """item id → ids of its signed-off stages, for a page of items: one query."""
    signed: dict[int, set[int]] = {}
    pairs = SignOff.objects.filter(item__in=item_ids).values_list("item_id", "stage_id")
    for item_id, stage_id in pairs:
        signed.setdefault(item_id, set()).add(stage_id)
    return signed


def hidden_field_keys(actor: User, workspace: Workspace) -> set[str]:
    """Keys of the fields some "hidden" rule may hide from the actor (a rule for one of
    their roles, or for everyone), in any status: filtering by such a field would tell
    them its value through which items match. One query."""
    my_roles = role_ids(actor, workspace)
    rules = FieldRule.objects.filter(field__item_type__workspace=workspace, mode=FieldMode.HIDDEN)
    return set(
        rules.filter(Q(role__isnull=True) | Q(role_id__in=my_roles)).values_list(
            "field__key", flat=True
        )
    )


def rules_of(item_type: ItemType) -> list[FieldRule]:
    """The field policy of the type, from the process's copy of the pipeline: a page asks
    for the modes of its fields and for each stage's required fields many times."""
    from pult.work.pipeline_cache import pipeline_of

    return list(pipeline_of(item_type).rules)


def signed_stage_ids(item: Item | None) -> set[int]:
    """Ids of the item's signed-off stages (none for an item not yet saved); from the
    prefetched sign-offs when the item's selector fetched them."""
    if item is None or item.pk is None:
        return set()
    if "signoffs" in getattr(item, "_prefetched_objects_cache", {}):
        return {signoff.stage_id for signoff in item.signoffs.all()}
    return set(SignOff.objects.filter(item=item).values_list("stage_id", flat=True))


def stage_required_fields(item: Item, stage: Stage) -> list[FieldDef]:
    """The stage's fields the policy makes required now, whoever fills them in.

    Required-ness is a property of the stage, not of the person signing: a field is
    required when any rule for this stage (or for no stage) in the item's status (or
    any status) says so, whichever role it names. Read from the type's fields and
    rules in memory (`rules_of`), so a page of stages costs no query per stage.
    """
    fields = [f for f in item.item_type.fields.all() if f.stage_id == stage.pk]
    by_id = {f.pk: f for f in fields}
    required = {
        rule.field_id
        for rule in rules_of(item.item_type)
        if rule.field_id in by_id
        and rule.mode == FieldMode.REQUIRED
        and rule.stage_id in (stage.pk, None)
        and rule.status_id in (item.status_id, None)
    }
    return [f for f in fields if f.pk in required]


def can_submit_item(actor: User, workspace: Workspace) -> bool:
    return has_permission(actor, workspace, SUBMIT)


def can_manage_items(actor: User, workspace: Workspace) -> bool:
    return has_permission(actor, workspace, MANAGE)


def can_take_items(actor: User, workspace: Workspace) -> bool:
    return has_permission(actor, workspace, TAKE)


def can_see_all_items(actor: User, workspace: Workspace) -> bool:
    return has_permission(actor, workspace, VIEW_ALL) or can_manage_items(actor, workspace)


def can_configure_pipeline(actor: User, workspace: Workspace) -> bool:
    """Edit, import and export the workspace's pipelines (statuses, steps, fields, rules)."""
    return has_permission(actor, workspace, CONFIGURE)


def is_frozen(item: Item) -> bool:
    """A closed item (archived, refused, done) changes no more: no field, sign-off,
    urgent mark, date or assignee, until a step of its pipeline reopens it (the steps
    out of a closed status stay open: they are how it reopens)."""
    return item.category == StatusCategory.CLOSED


def can_manage_item(actor: User, item: Item) -> bool:
    """The head's changes to one item (urgent mark, dates, assignee): not on a closed one."""
    return can_manage_items(actor, item.workspace) and not is_frozen(item)


def is_stage_signer(actor: User, item: Item, stage: Stage) -> bool:
    """Holders of the stage's sign-off permission; a stage without one, managers."""
    if stage.sign_permission:
        return has_permission(actor, item.workspace, stage.sign_permission)
    return can_manage_items(actor, item.workspace)


def _stages_around(item: Item, stage: Stage) -> tuple[list[Stage], list[Stage]]:
    """The type's stages before and after `stage`, in pipeline order (from the
    process's copy of the pipeline: no query)."""
    from pult.work.pipeline_cache import pipeline_of

    stages = list(pipeline_of(item.item_type).stages)
    at = next((n for n, s in enumerate(stages) if s.pk == stage.pk), len(stages))
    return stages[:at], stages[at + 1 :]


def unsigned_earlier_stages(
    item: Item, stage: Stage, signed: set[int] | None = None
) -> list[Stage]:
    """The stages that must be signed before `stage` and are not: every earlier one in a
    pipeline signed in order (`ItemType.sequential_stages`), none otherwise."""
    if not item.item_type.sequential_stages:
        return []
    signed = signed_stage_ids(item) if signed is None else signed
    return [s for s in _stages_around(item, stage)[0] if s.pk not in signed]


def signed_later_stages(item: Item, stage: Stage, signed: set[int] | None = None) -> list[Stage]:
    """In a pipeline signed in order, the later stages still signed: they were signed on
    top of this one, so they are withdrawn first (the signed stages stay a prefix)."""
    if not item.item_type.sequential_stages:
        return []
    signed = signed_stage_ids(item) if signed is None else signed
    return [s for s in _stages_around(item, stage)[1] if s.pk in signed]


def can_sign_stage(actor: User, item: Item, stage: Stage, signed: set[int] | None = None) -> bool:
    """The stage's signer, on an open item, and in a pipeline signed in order only once
    every earlier stage is signed. `services.stage_sign` checks each part on its own to
    name what is wrong."""
    return (
        is_stage_signer(actor, item, stage)
        and not is_frozen(item)
        and not unsigned_earlier_stages(item, stage, signed)
    )


def can_unsign_stage(actor: User, item: Item, stage: Stage, signed: set[int] | None = None) -> bool:
    """Withdrawing a sign-off reopens the stage's fields: managers only, on an open item,
    and in a pipeline signed in order only once no later stage is signed."""
    return (
        can_manage_items(actor, item.workspace)
        and not is_frozen(item)
        and not signed_later_stages(item, stage, signed)
    )


def can_take_transition(actor: User, item: Item, transition: Transition) -> bool:
    """Holders of the step's permission (or managers), or the requester/assignee when
    the step allows them."""
    if can_manage_items(actor, item.workspace):
        return True
    if transition.permission and has_permission(actor, item.workspace, transition.permission):
        return True
    mine = relations(actor, item)
    return (transition.requester_may and "requester" in mine) or (
        transition.assignee_may and "assignee" in mine
    )
