"""Pipeline editor writes: a type's settings, statuses, stages, steps, fields, field
policy, and the import of a pipeline file. Each one checks that the actor may configure
pipelines, locks the item-type row, writes through the one writer of its rows
(`writers`, `field_writers`; a file goes through `io.item_type_import`, which writes
through the same ones) and records a `work.pipeline_changed` event.

The item-type row lock serialises edits of one pipeline, and `work_item_submit` locks the
same row, so "no item is in this status" cannot go stale between the check and the
delete. Each refusal is a DomainError whose `field_errors` name the form fields at fault;
nothing is written on a refusal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from pult.activity.services import event_record
from pult.core.exceptions import Forbidden, NotFound
from pult.core.locking import locked
from pult.pipelines import field_writers, writers
from pult.pipelines.io import item_type_import
from pult.work import policies
from pult.work.models import (
    FieldDef,
    FieldKind,
    ItemType,
    Stage,
    Status,
    StatusCategory,
    Transition,
)
from pult.work.pipeline_cache import pipeline_changed

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def _require_configurer(actor: User, workspace: Workspace) -> None:
    if not policies.can_configure_pipeline(actor, workspace):
        raise Forbidden(_("You may not edit pipelines."))


def _type_to_change(actor: User, workspace: Workspace, item_type_id: int) -> ItemType:
    """The workspace's item type, locked (the module docstring says why), for a configurer."""
    _require_configurer(actor, workspace)
    return locked(ItemType.objects.filter(workspace=workspace), item_type_id)


def _changed(actor: User, workspace: Workspace, item_type: ItemType, change: str, key: str) -> None:
    # Bulk updates skip the signals that renew the processes' copies of the pipeline.
    pipeline_changed(item_type.pk)
    # The payload is for the audit log; the feed text needs only actor and target.
    event_record(
        actor=actor,
        workspace=workspace,
        verb="work.pipeline_changed",
        target=item_type,
        payload={"change": change, "key": key},
    )


def _type_of(actor: User, workspace: Workspace, model: Any, pk: int) -> Any:
    """The row `pk` of `model` if it belongs to a type of the workspace (else NotFound)."""
    _require_configurer(actor, workspace)
    row = model.objects.filter(pk=pk, item_type__workspace=workspace).first()
    if row is None:
        raise NotFound(_("Not found."))
    return row


def _own(rows: Any, pk: int | None, new: Any) -> Any:
    """The type's row `pk` (NotFound if it has none such), or `new` for None."""
    if pk is None:
        return new
    row = rows.filter(pk=pk).first()
    if row is None:
        raise NotFound(_("Not found."))
    return row


# ---------------------------------------------------------------- the type itself


@transaction.atomic
def item_type_settings_save(
    *,
    actor: User,
    workspace: Workspace,
    item_type_id: int,
    name_en: str,
    name_ru: str = "",
    number_prefix: str,
    requires_contacts: bool = False,
    auto_assign: bool = False,
    skill_field: str = "",
    initial_status_id: int | None = None,
    sequential_stages: bool | None = None,
) -> ItemType:
    """Rename a type, change its number prefix and filing options; `initial_status_id`
    moves the "initial" mark (the one way to change it, so there is always exactly one);
    `sequential_stages` (None: unchanged) makes its stages signed in their order."""
    item_type = _type_to_change(actor, workspace, item_type_id)
    errors = writers.Errors()
    initial = None
    if initial_status_id is not None:
        initial = item_type.statuses.filter(pk=initial_status_id).first()
        if initial is None:
            errors.add("initial_status", _("Choose one of the type's statuses."))
    writers.type_write(
        item_type,
        errors=errors,
        name_en=name_en,
        name_ru=name_ru,
        number_prefix=number_prefix,
        requires_contacts=requires_contacts,
        auto_assign=auto_assign,
        skill_field=skill_field,
        sequential_stages=sequential_stages,
    )
    if initial is not None:
        writers.status_make_initial(item_type, initial)
    _changed(actor, workspace, item_type, "settings", item_type.key)
    return item_type


# ---------------------------------------------------------------- statuses


@transaction.atomic
def status_save(
    *,
    actor: User,
    workspace: Workspace,
    item_type_id: int,
    status_id: int | None = None,
    key: str,
    name_en: str,
    name_ru: str = "",
    colour: str = "neutral",
    icon: str = "circle-stack",
    category: str = StatusCategory.OPEN,
    queued: bool = False,
    is_initial: bool = False,
    position: int = 0,
) -> Status:
    """Create or change a status (`writers.status_write`). Exactly one status is the
    initial one: the mark moves in the type's settings, never here."""
    item_type = _type_to_change(actor, workspace, item_type_id)
    status = _own(item_type.statuses, status_id, Status(item_type=item_type))
    errors = writers.Errors()
    other_initial = item_type.statuses.filter(is_initial=True).exclude(pk=status.pk).first()
    if is_initial and other_initial is not None:
        errors.add(
            "is_initial",
            _(
                "“%(name)s” is already the initial status and a pipeline has exactly one; "
                "choose the initial status in the type's settings."
            )
            % {"name": other_initial.name},
        )
    elif not is_initial and other_initial is None:
        errors.add(
            "is_initial",
            _(
                "A pipeline needs exactly one initial status; to change it, choose another "
                "one in the type's settings."
            ),
        )
    status = writers.status_write(
        item_type,
        status,
        errors=errors,
        key=key,
        name_en=name_en,
        name_ru=name_ru,
        colour=colour,
        icon=icon,
        category=category,
        queued=queued,
        is_initial=is_initial,
        position=position,
    )
    _changed(actor, workspace, item_type, "status_saved", status.key)
    return status


@transaction.atomic
def status_delete(*, actor: User, workspace: Workspace, status_id: int) -> None:
    """Delete a status (`writers.status_remove`)."""
    status: Status = _type_of(actor, workspace, Status, status_id)
    item_type = _type_to_change(actor, workspace, status.item_type_id)
    writers.status_remove(item_type, status)
    _changed(actor, workspace, item_type, "status_deleted", status.key)


# ---------------------------------------------------------------- stages


@transaction.atomic
def stage_save(
    *,
    actor: User,
    workspace: Workspace,
    item_type_id: int,
    stage_id: int | None = None,
    key: str,
    name_en: str,
    name_ru: str = "",
    department_id: int | None = None,
    sign_permission: str = "",
    position: int = 0,
    required_field_ids: Sequence[int] | None = None,
) -> Stage:
    """Create or change a stage (`writers.stage_write`)."""
    item_type = _type_to_change(actor, workspace, item_type_id)
    stage = writers.stage_write(
        item_type,
        _own(item_type.stages, stage_id, Stage(item_type=item_type)),
        key=key,
        name_en=name_en,
        name_ru=name_ru,
        department_id=department_id,
        sign_permission=sign_permission,
        position=position,
        required_field_ids=required_field_ids,
    )
    _changed(actor, workspace, item_type, "stage_saved", stage.key)
    return stage


@transaction.atomic
def stage_delete(*, actor: User, workspace: Workspace, stage_id: int) -> None:
    """Delete a stage (`writers.stage_remove`)."""
    stage: Stage = _type_of(actor, workspace, Stage, stage_id)
    item_type = _type_to_change(actor, workspace, stage.item_type_id)
    writers.stage_remove(item_type, stage)
    _changed(actor, workspace, item_type, "stage_deleted", stage.key)


# ---------------------------------------------------------------- transitions


@transaction.atomic
def transition_save(
    *,
    actor: User,
    workspace: Workspace,
    item_type_id: int,
    transition_id: int | None = None,
    key: str,
    from_status_id: int | None,
    to_status_id: int,
    label_en: str,
    label_ru: str = "",
    permission: str = "",
    requester_may: bool = False,
    assignee_may: bool = False,
    guard_names: Sequence[str] = (),
    required_stage_keys: Sequence[str] = (),
    needs_comment: bool = False,
    position: int = 0,
    effects: Sequence[tuple[str, Mapping[str, Any]]] | None = None,
) -> Transition:
    """Create or change a step and, when `effects` is given, its effects
    (`writers.transition_write`)."""
    item_type = _type_to_change(actor, workspace, item_type_id)
    transition = writers.transition_write(
        item_type,
        _own(item_type.transitions, transition_id, Transition(item_type=item_type)),
        key=key,
        from_status_id=from_status_id,
        to_status_id=to_status_id,
        label_en=label_en,
        label_ru=label_ru,
        permission=permission,
        requester_may=requester_may,
        assignee_may=assignee_may,
        guard_names=guard_names,
        required_stage_keys=required_stage_keys,
        needs_comment=needs_comment,
        position=position,
        effects=effects,
    )
    _changed(actor, workspace, item_type, "transition_saved", transition.key)
    return transition


@transaction.atomic
def transition_delete(*, actor: User, workspace: Workspace, transition_id: int) -> None:
    """Delete a step (`writers.transition_remove`)."""
    transition: Transition = _type_of(actor, workspace, Transition, transition_id)
    item_type = _type_to_change(actor, workspace, transition.item_type_id)
    writers.transition_remove(item_type, transition)
    _changed(actor, workspace, item_type, "transition_deleted", transition.key)


# ---------------------------------------------------------------- fields


@transaction.atomic
def field_save(
    *,
    actor: User,
    workspace: Workspace,
    item_type_id: int,
    field_id: int | None = None,
    key: str,
    name_en: str,
    name_ru: str = "",
    kind: str = FieldKind.TEXT,
    choices: str | Sequence[Mapping[str, str]] = (),
    help_en: str = "",
    help_ru: str = "",
    stage_id: int | None = None,
    computed_name: str = "",
    position: int = 0,
    role_ids: Sequence[int] | None = None,
) -> FieldDef:
    """Create or change a custom field (`field_writers.field_write`)."""
    item_type = _type_to_change(actor, workspace, item_type_id)
    field = field_writers.field_write(
        item_type,
        _own(item_type.fields, field_id, FieldDef(item_type=item_type)),
        key=key,
        name_en=name_en,
        name_ru=name_ru,
        kind=kind,
        choices=choices,
        help_en=help_en,
        help_ru=help_ru,
        stage_id=stage_id,
        computed_name=computed_name,
        position=position,
        role_ids=role_ids,
    )
    _changed(actor, workspace, item_type, "field_saved", field.key)
    return field


@transaction.atomic
def field_delete(*, actor: User, workspace: Workspace, field_id: int) -> None:
    """Delete a field with its policy rules (`field_writers.field_remove`)."""
    field: FieldDef = _type_of(actor, workspace, FieldDef, field_id)
    item_type = _type_to_change(actor, workspace, field.item_type_id)
    field_writers.field_remove(item_type, field)
    _changed(actor, workspace, item_type, "field_deleted", field.key)


# ---------------------------------------------------------------- field policy


@transaction.atomic
def field_rule_set(
    *,
    actor: User,
    workspace: Workspace,
    item_type_id: int,
    role_id: int | None = None,
    relation: str = "",
    stage_id: int | None = None,
    cells: Mapping[tuple[int, int | None], str],
) -> None:
    """Set the field policy of one subject and one scope, cell by cell
    (`field_writers.field_rules_write`)."""
    item_type = _type_to_change(actor, workspace, item_type_id)
    role = field_writers.field_rules_write(
        item_type, role_id=role_id, relation=relation, stage_id=stage_id, cells=cells
    )
    _changed(actor, workspace, item_type, "field_policy", role.name if role else relation)


# ---------------------------------------------------------------- import


@transaction.atomic
def pipeline_import(*, actor: User, workspace: Workspace, data: Mapping[str, Any]) -> ItemType:
    """Load one work-item type from a pipeline file, all or nothing
    (`io.item_type_import`): a new key creates the type, an existing key is replaced in
    place unless items or sign-offs stand in the way; the refusal names them."""
    _require_configurer(actor, workspace)
    item_type = item_type_import(workspace=workspace, data=data, actor=actor)
    _changed(actor, workspace, item_type, "imported", item_type.key)
    return item_type
