"""The one writer of each pipeline row: a type's settings, its statuses, stages and steps
(fields, the field policy and regulations: `field_writers`).

The editor's services (`services`) and pipeline files (`io.item_type_import`) both write
through these functions, so a row is checked and written the same way whichever way it
comes in. A writer checks its row and writes it, nothing more: the callers check who may,
hold the item-type row lock (it serialises writes to one pipeline, and
`work_item_submit` takes the same lock, so "no item is in this status" cannot go stale),
record the event (the editor one per change, a file one per import) and renew the
processes' copies of the pipeline (`pipeline_changed`: the bulk updates here skip the
signals that do it for saves). A refusal is a DomainError whose `field_errors` name the
form fields at fault; a caller may pass `errors` holding its own refusals, so a form
shows all of them at once. Nothing is written on a refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pult.access.catalogue import all_codes
from pult.accounts.models import Department
from pult.core.exceptions import DomainError
from pult.pipelines.effect_writers import EffectRows, effects_check, effects_write
from pult.pipelines.files import ICONS, KEY_PATTERN, PALETTE
from pult.pipelines.selectors import stage_required_field_ids
from pult.work import guards
from pult.work.models import (
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

MAX_POSITION = 32767


class Errors:
    """Collects per-field refusals so a form shows all of them at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            message = first if len(self.fields) == 1 else _("Please correct the errors below.")
            raise DomainError(message, field_errors=self.fields)


def check_key(errors: Errors, key: str, field: str = "key") -> None:
    if not KEY_PATTERN.match(key):
        errors.add(
            field,
            _("Use lower-case Latin letters, digits, “-” and “_” (up to 60), e.g. in_progress."),
        )


def check_name(errors: Errors, value: str, field: str, limit: int, *, required: bool) -> None:
    if required and not value.strip():
        errors.add(field, _("This field is required."))
    elif len(value) > limit:
        errors.add(field, _("At most %(n)d characters.") % {"n": limit})


def check_position(errors: Errors, position: int) -> None:
    if not 0 <= position <= MAX_POSITION:
        errors.add("position", _("Enter a number from 0 to %(n)d.") % {"n": MAX_POSITION})


def rebuilt_rows_clear(item_type: ItemType) -> None:
    """Drop the type's steps, field rules and regulations: rows nothing points at, which a
    pipeline file rebuilds whole (before the statuses and fields they name change)."""
    FieldRule.objects.filter(field__item_type=item_type).delete()
    item_type.transitions.all().delete()
    item_type.sla_rules.all().delete()


# ---------------------------------------------------------------- the type itself


def type_write(
    item_type: ItemType,
    *,
    errors: Errors | None = None,
    name_en: str,
    name_ru: str = "",
    number_prefix: str,
    requires_contacts: bool = False,
    auto_assign: bool = False,
    skill_field: str = "",
    sequential_stages: bool | None = None,
    take_transition: str | None = None,
) -> ItemType:
    """Name a type, number its items and set its filing options; a new type (no pk yet,
    its workspace and key set) is created. `sequential_stages` and `take_transition`
    (None: unchanged) make its stages signed in their order and name the queue's "take"
    step. The skill field is one of the type's fields."""
    errors = errors or Errors()
    check_name(errors, name_en, "name_en", 200, required=True)
    check_name(errors, name_ru, "name_ru", 200, required=False)
    prefix = number_prefix.strip()
    if not prefix or len(prefix) > 10 or not prefix.isalnum():
        errors.add("number_prefix", _("Use 1 to 10 letters or digits, e.g. DR."))
    elif (
        ItemType.objects.filter(workspace_id=item_type.workspace_id, number_prefix=prefix)
        .exclude(pk=item_type.pk)
        .exists()
    ):
        errors.add("number_prefix", _("Another type already numbers its items with this prefix."))
    if skill_field and (
        item_type.pk is None or not item_type.fields.filter(key=skill_field).exists()
    ):
        errors.add("skill_field", _("Choose one of the type's fields."))
    errors.raise_if_any()
    item_type.name_en, item_type.name_ru = name_en.strip(), name_ru.strip()
    item_type.number_prefix = prefix
    item_type.requires_contacts = requires_contacts
    item_type.auto_assign = auto_assign
    item_type.skill_field = skill_field
    if sequential_stages is not None:
        item_type.sequential_stages = sequential_stages
    if take_transition is not None:
        item_type.take_transition = take_transition
    item_type.save()
    return item_type


# ---------------------------------------------------------------- statuses


def _unmark_initial(item_type: ItemType) -> None:
    # First: the partial unique constraint allows one initial status at a time.
    item_type.statuses.filter(is_initial=True).update(is_initial=False)


def status_make_initial(item_type: ItemType, status: Status) -> None:
    """Move the "initial" mark to `status` (new items start there)."""
    if not status.is_initial:
        _unmark_initial(item_type)
        Status.objects.filter(pk=status.pk).update(is_initial=True)
        status.is_initial = True


def status_write(
    item_type: ItemType,
    status: Status,
    *,
    errors: Errors | None = None,
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
    """Create (`status` without a pk) or change a status. Keys are unique per type, and a
    status holding items keeps its category and queue flag (items copy them into indexed
    columns; moving the items out first keeps those true). Marking it initial takes the
    mark from another status; that exactly one status is initial the callers check for
    the whole pipeline."""
    errors = errors or Errors()
    key = key.strip()
    check_key(errors, key)
    if item_type.statuses.filter(key=key).exclude(pk=status.pk).exists():
        errors.add("key", _("This type already has a status with this key."))
    check_name(errors, name_en, "name_en", 200, required=True)
    check_name(errors, name_ru, "name_ru", 200, required=False)
    if colour not in PALETTE:
        errors.add("colour", _("Choose a colour of the palette."))
    if icon not in ICONS:
        errors.add("icon", _("Choose an icon from the list."))
    if category not in StatusCategory.values:
        errors.add("category", _("Choose open, paused or closed."))
    check_position(errors, position)
    if status.pk is not None and (category != status.category or queued != status.queued):
        held = Item.objects.filter(status=status).count()
        if held:
            errors.add(
                "category",
                ngettext(
                    "%(n)d item is in this status; move it out before changing its "
                    "category or queue flag.",
                    "%(n)d items are in this status; move them out before changing its "
                    "category or queue flag.",
                    held,
                )
                % {"n": held},
            )
    errors.raise_if_any()
    if is_initial and not status.is_initial:
        _unmark_initial(item_type)
    status.item_type = item_type
    status.key = key
    status.name_en, status.name_ru = name_en.strip(), name_ru.strip()
    status.colour, status.icon, status.category = colour, icon, category
    status.queued, status.is_initial, status.position = queued, is_initial, position
    status.save()
    return status


def status_remove(item_type: ItemType, status: Status) -> None:
    """Delete a status that is not the initial one, no item is in and no step leads from
    or to; its field rules go with it."""
    if status.is_initial:
        raise DomainError(_("New items start in this status; make another one initial first."))
    held = Item.objects.filter(status=status).count()
    if held:
        raise DomainError(
            ngettext(
                "%(n)d item is in “%(name)s”; move it to another status first.",
                "%(n)d items are in “%(name)s”; move them to another status first.",
                held,
            )
            % {"n": held, "name": status.name}
        )
    steps = item_type.transitions.filter(Q(from_status=status) | Q(to_status=status))
    if labels := sorted({t.label for t in steps}):
        raise DomainError(
            _("Steps lead from or to “%(name)s”: %(steps)s. Change or delete them first.")
            % {"name": status.name, "steps": ", ".join(labels)}
        )
    status.delete()


# ---------------------------------------------------------------- stages


def _set_required_fields(
    errors: Errors, stage: Stage, required_field_ids: Sequence[int]
) -> list[tuple[Any, str]]:
    """Plan the "required for the sign-off" marks as (rules, new mode) updates.

    Required-ness is a mode of the rules that say who fills a field in, so a mark moves
    those rules between "editable" and "required": the same people fill the field in,
    now or no longer before the sign-off. A field nobody fills in at this stage cannot
    become required (nobody could sign then); the refusal says where to set that."""
    own = {f.pk: f for f in stage.fields.all()}
    wanted = set(required_field_ids)
    if wanted - set(own):
        errors.add("required_fields", _("Choose among the stage's own fields."))
        return []
    if computed_ones := sorted(own[pk].name for pk in wanted if own[pk].computed):
        errors.add(
            "required_fields",
            _("Computed fields are never filled in: %(names)s.")
            % {"names": ", ".join(computed_ones)},
        )
        return []
    scope = FieldRule.objects.filter(field__stage=stage).filter(
        Q(stage=stage) | Q(stage__isnull=True)
    )
    current = stage_required_field_ids(stage)
    added = wanted - current
    fillers = set(
        scope.filter(field_id__in=added, mode=FieldMode.EDIT).values_list("field_id", flat=True)
    )
    if nobody := sorted(own[pk].name for pk in added - fillers):
        errors.add(
            "required_fields",
            _(
                "Nobody fills in %(names)s at this stage: first make it editable for a role "
                "in the field policy of the stage."
            )
            % {"names": ", ".join(f"“{n}”" for n in nobody)},
        )
        return []
    return [
        (scope.filter(field_id__in=added, mode=FieldMode.EDIT), FieldMode.REQUIRED),
        (scope.filter(field_id__in=current - wanted, mode=FieldMode.REQUIRED), FieldMode.EDIT),
    ]


def _requiring(item_type: ItemType, stage_key: str) -> list[Transition]:
    """The type's steps that require the stage signed off (a type has a few dozen)."""
    return [t for t in item_type.transitions.all() if stage_key in (t.requires_stages or [])]


def stage_write(
    item_type: ItemType,
    stage: Stage,
    *,
    errors: Errors | None = None,
    key: str,
    name_en: str,
    name_ru: str = "",
    department_id: int | None = None,
    sign_permission: str = "",
    position: int = 0,
    required_field_ids: Sequence[int] | None = None,
) -> Stage:
    """Create (`stage` without a pk) or change a stage: its department, who signs it off
    (holders of a permission; managers when empty) and, when `required_field_ids` is
    given, which of its fields must be filled in before the sign-off. Keys are unique
    per type; a new key follows into the steps that require the stage."""
    errors = errors or Errors()
    key = key.strip()
    check_key(errors, key)
    if item_type.stages.filter(key=key).exclude(pk=stage.pk).exists():
        errors.add("key", _("This type already has a stage with this key."))
    check_name(errors, name_en, "name_en", 200, required=True)
    check_name(errors, name_ru, "name_ru", 200, required=False)
    department = None
    if department_id is not None:
        department = Department.objects.filter(
            workspace_id=item_type.workspace_id, pk=department_id
        ).first()
        if department is None:
            errors.add("department", _("Choose one of the workspace's departments."))
    if sign_permission and sign_permission not in all_codes():
        errors.add("sign_permission", _("Choose a permission of the catalogue."))
    check_position(errors, position)
    updates = []
    if required_field_ids is not None and stage.pk is not None:
        updates = _set_required_fields(errors, stage, required_field_ids)
    elif required_field_ids:
        errors.add("required_fields", _("Save the stage and give it fields first."))
    errors.raise_if_any()
    old_key = stage.key
    stage.item_type = item_type
    stage.key = key
    stage.name_en, stage.name_ru = name_en.strip(), name_ru.strip()
    stage.department, stage.sign_permission = department, sign_permission
    stage.position = position
    stage.save()
    for rules, mode in updates:
        rules.update(mode=mode)
    if old_key and old_key != key:
        # In Python, not a JSON `contains` lookup: SQLite (the default) has none.
        for transition in _requiring(item_type, old_key):
            transition.requires_stages = [
                key if k == old_key else k for k in transition.requires_stages
            ]
            transition.save(update_fields=["requires_stages"])
    return stage


def stage_remove(item_type: ItemType, stage: Stage) -> None:
    """Delete a stage nobody has signed off, that owns no fields (they would go with it)
    and that no step requires; its scoped policy rules go with it."""
    signed = SignOff.objects.filter(stage=stage).count()
    if signed:
        raise DomainError(
            _(
                "“%(name)s” is signed off on items (%(n)d); the sign-offs are their history, "
                "so the stage stays."
            )
            % {"name": stage.name, "n": signed}
        )
    if names := [f.name for f in stage.fields.all()]:
        raise DomainError(
            _("Fields belong to “%(name)s”: %(fields)s. Move them to another stage first.")
            % {"name": stage.name, "fields": ", ".join(names)}
        )
    if labels := sorted({t.label for t in _requiring(item_type, stage.key)}):
        raise DomainError(
            _("Steps require “%(name)s” signed off: %(steps)s. Change them first.")
            % {"name": stage.name, "steps": ", ".join(labels)}
        )
    stage.delete()


# ---------------------------------------------------------------- transitions


def transition_write(
    item_type: ItemType,
    transition: Transition,
    *,
    errors: Errors | None = None,
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
    effects: EffectRows | None = None,
) -> Transition:
    """Create (`transition` without a pk) or change a step: from a status (None = any) to
    a status, who may take it (permission holders, the requester, an assignee; managers
    always), named guards, the stages that must be signed off first (kept in the
    stages' order) and, when `effects` is given, what it does besides moving the item
    (`effect_writers`: (name, parameters) in the order they run; None leaves them)."""
    errors = errors or Errors()
    key = key.strip()
    check_key(errors, key)
    statuses = {s.pk: s for s in item_type.statuses.all()}
    if from_status_id is not None and from_status_id not in statuses:
        errors.add("from_status", _("Choose one of the type's statuses."))
    if to_status_id not in statuses:
        errors.add("to_status", _("Choose one of the type's statuses."))
    # Checked here, not only by the constraint: NULL ("from any") never collides in SQL.
    same = item_type.transitions.filter(key=key, from_status_id=from_status_id).exclude(
        pk=transition.pk
    )
    if same.exists():
        errors.add("key", _("A step with this key already leaves this status."))
    check_name(errors, label_en, "label_en", 120, required=True)
    check_name(errors, label_ru, "label_ru", 120, required=False)
    if permission and permission not in all_codes():
        errors.add("permission", _("Choose a permission of the catalogue."))
    known = set(guards.names())
    if unknown := [g for g in guard_names if g not in known]:
        errors.add(
            "guards", _("Unknown condition: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    stage_keys = list(item_type.stages.values_list("key", flat=True))
    if unknown := sorted(set(required_stage_keys) - set(stage_keys)):
        errors.add(
            "requires_stages",
            _("Unknown stage: %(names)s.") % {"names": ", ".join(unknown)},
        )
    check_position(errors, position)
    effect_rows = effects_check(errors, item_type, effects) if effects is not None else None
    errors.raise_if_any()
    transition.item_type = item_type
    transition.key = key
    transition.from_status = statuses.get(from_status_id) if from_status_id is not None else None
    transition.to_status = statuses[to_status_id]
    transition.label_en, transition.label_ru = label_en.strip(), label_ru.strip()
    transition.permission = permission
    transition.requester_may, transition.assignee_may = requester_may, assignee_may
    transition.guards = sorted(set(guard_names))
    transition.requires_stages = [k for k in stage_keys if k in set(required_stage_keys)]
    transition.needs_comment, transition.position = needs_comment, position
    transition.save()
    if effect_rows is not None:
        effects_write(transition, effect_rows)
    return transition


def transition_remove(item_type: ItemType, transition: Transition) -> None:
    """Delete a step; the last step carrying the type's "take" key stays (the queue's
    "take next" runs it)."""
    if (
        transition.key == item_type.take_transition
        and not item_type.transitions.filter(key=transition.key).exclude(pk=transition.pk).exists()
    ):
        raise DomainError(
            _("Specialists take items from the queue with this step; it cannot be deleted.")
        )
    transition.delete()
