"""Pipeline editor writes: a type's settings, statuses, stages, steps, fields, field
policy, and the import of a preset file. The only writers of pipeline rows after a preset is loaded.

Every function locks the item-type row first. That serialises edits of one pipeline,
and `work_item_submit` locks the same row, so "no item is in this status" cannot go
stale between the check and the delete. Each refusal is a DomainError whose
`field_errors` name the form fields at fault; nothing is written on a refusal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pult.access.catalogue import all_codes
from pult.access.models import Role
from pult.accounts.models import Department
from pult.activity.services import event_record
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.work import computed, guards, policies
from pult.work.models import (
    FieldDef,
    FieldKind,
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
from pult.work.pipeline_cache import pipeline_changed
from pult.work.pipeline_files import (
    ICONS,
    KEY_PATTERN,
    PALETTE,
    RELATIONS,
    item_type_replace,
    shape_errors,
)
from pult.work.pipeline_io import _check, item_type_import

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

_MAX_POSITION = 32767
# Modes that let someone type a value in: never for a computed field.
_WRITABLE = (FieldMode.EDIT, FieldMode.REQUIRED)


class _Errors:
    """Collects per-field refusals so a form shows all of them at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise DomainError(
                first if len(self.fields) == 1 else _fix_below(), field_errors=self.fields
            )


def _fix_below() -> str:
    return _("Please correct the errors below.")


def _check_key(errors: _Errors, key: str, field: str = "key") -> None:
    if not KEY_PATTERN.match(key):
        errors.add(
            field,
            _("Use lower-case Latin letters, digits, “-” and “_” (up to 60), e.g. in_progress."),
        )


def _check_name(errors: _Errors, value: str, field: str, limit: int, *, required: bool) -> None:
    if required and not value.strip():
        errors.add(field, _("This field is required."))
    elif len(value) > limit:
        errors.add(field, _("At most %(n)d characters.") % {"n": limit})


def _check_position(errors: _Errors, position: int) -> None:
    if not 0 <= position <= _MAX_POSITION:
        errors.add("position", _("Enter a number from 0 to %(n)d.") % {"n": _MAX_POSITION})


def _require_configurer(actor: User, workspace: Workspace) -> None:
    if not policies.can_configure_pipeline(actor, workspace):
        raise Forbidden(_("You may not edit pipelines."))


def _locked_type(actor: User, workspace: Workspace, item_type_id: int) -> ItemType:
    _require_configurer(actor, workspace)
    item_type = (
        ItemType.objects.select_for_update().filter(workspace=workspace, pk=item_type_id).first()
    )
    if item_type is None:
        raise NotFound(_("Not found."))
    return item_type


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
    item_type = _locked_type(actor, workspace, item_type_id)
    errors = _Errors()
    _check_name(errors, name_en, "name_en", 200, required=True)
    _check_name(errors, name_ru, "name_ru", 200, required=False)
    prefix = number_prefix.strip()
    if not prefix or len(prefix) > 10 or not prefix.isalnum():
        errors.add("number_prefix", _("Use 1 to 10 letters or digits, e.g. DR."))
    elif (
        ItemType.objects.filter(workspace=workspace, number_prefix=prefix)
        .exclude(pk=item_type.pk)
        .exists()
    ):
        errors.add("number_prefix", _("Another type already numbers its items with this prefix."))
    if skill_field and not item_type.fields.filter(key=skill_field).exists():
        errors.add("skill_field", _("Choose one of the type's fields."))
    initial = None
    if initial_status_id is not None:
        initial = item_type.statuses.filter(pk=initial_status_id).first()
        if initial is None:
            errors.add("initial_status", _("Choose one of the type's statuses."))
    errors.raise_if_any()
    item_type.name_en, item_type.name_ru = name_en.strip(), name_ru.strip()
    item_type.number_prefix = prefix
    item_type.requires_contacts = requires_contacts
    item_type.auto_assign = auto_assign
    item_type.skill_field = skill_field
    if sequential_stages is not None:
        item_type.sequential_stages = sequential_stages
    item_type.save()
    if initial is not None and not initial.is_initial:
        # Unmark first: the partial unique constraint allows one initial status at a time.
        item_type.statuses.filter(is_initial=True).update(is_initial=False)
        Status.objects.filter(pk=initial.pk).update(is_initial=True)
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
    """Create or change a status. Keys are unique per type, exactly one status is the
    initial one, and a status holding items keeps its category and queue flag (items
    copy them into indexed columns; moving the items out first keeps those true)."""
    item_type = _locked_type(actor, workspace, item_type_id)
    status = Status(item_type=item_type)
    if status_id is not None:
        found = item_type.statuses.filter(pk=status_id).first()
        if found is None:
            raise NotFound(_("Not found."))
        status = found
    errors = _Errors()
    key = key.strip()
    _check_key(errors, key)
    if item_type.statuses.filter(key=key).exclude(pk=status.pk).exists():
        errors.add("key", _("This type already has a status with this key."))
    _check_name(errors, name_en, "name_en", 200, required=True)
    _check_name(errors, name_ru, "name_ru", 200, required=False)
    if colour not in PALETTE:
        errors.add("colour", _("Choose a colour of the palette."))
    if icon not in ICONS:
        errors.add("icon", _("Choose an icon from the list."))
    if category not in StatusCategory.values:
        errors.add("category", _("Choose open, paused or closed."))
    _check_position(errors, position)
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
    status.key = key
    status.name_en, status.name_ru = name_en.strip(), name_ru.strip()
    status.colour, status.icon, status.category = colour, icon, category
    status.queued, status.is_initial, status.position = queued, is_initial, position
    status.save()
    _changed(actor, workspace, item_type, "status_saved", key)
    return status


@transaction.atomic
def status_delete(*, actor: User, workspace: Workspace, status_id: int) -> None:
    """Delete a status no item is in and no step leads from or to; its field rules go
    with it."""
    status: Status = _type_of(actor, workspace, Status, status_id)
    item_type = _locked_type(actor, workspace, status.item_type_id)
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
    _changed(actor, workspace, item_type, "status_deleted", status.key)


# ---------------------------------------------------------------- stages


def stage_required_field_ids(stage: Stage) -> set[int]:
    """The stage's fields the policy makes required for its sign-off (in some status):
    a "required" rule of this stage or of no stage, as `policies.stage_required_fields`
    reads them."""
    return set(
        FieldRule.objects.filter(field__stage=stage, mode=FieldMode.REQUIRED)
        .filter(Q(stage=stage) | Q(stage__isnull=True))
        .values_list("field_id", flat=True)
    )


def _set_required_fields(
    errors: _Errors, stage: Stage, required_field_ids: Sequence[int]
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
    """Create or change a stage: its department, who signs it off (holders of a
    permission; managers when empty) and, when `required_field_ids` is given, which of
    its fields must be filled in before the sign-off. Keys are unique per type; a new
    key follows into the steps that require the stage."""
    item_type = _locked_type(actor, workspace, item_type_id)
    stage = Stage(item_type=item_type)
    if stage_id is not None:
        found = item_type.stages.filter(pk=stage_id).first()
        if found is None:
            raise NotFound(_("Not found."))
        stage = found
    errors = _Errors()
    key = key.strip()
    _check_key(errors, key)
    if item_type.stages.filter(key=key).exclude(pk=stage.pk).exists():
        errors.add("key", _("This type already has a stage with this key."))
    _check_name(errors, name_en, "name_en", 200, required=True)
    _check_name(errors, name_ru, "name_ru", 200, required=False)
    department = None
    if department_id is not None:
        department = Department.objects.filter(workspace=workspace, pk=department_id).first()
        if department is None:
            errors.add("department", _("Choose one of the workspace's departments."))
    if sign_permission and sign_permission not in all_codes():
        errors.add("sign_permission", _("Choose a permission of the catalogue."))
    _check_position(errors, position)
    updates = []
    if required_field_ids is not None and stage.pk is not None:
        updates = _set_required_fields(errors, stage, required_field_ids)
    elif required_field_ids:
        errors.add("required_fields", _("Save the stage and give it fields first."))
    errors.raise_if_any()
    old_key = stage.key
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
    _changed(actor, workspace, item_type, "stage_saved", key)
    return stage


@transaction.atomic
def stage_delete(*, actor: User, workspace: Workspace, stage_id: int) -> None:
    """Delete a stage nobody has signed off, that owns no fields (they would go with
    it) and that no step requires; its scoped policy rules go with it."""
    stage: Stage = _type_of(actor, workspace, Stage, stage_id)
    item_type = _locked_type(actor, workspace, stage.item_type_id)
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
) -> Transition:
    """Create or change a step: from a status (None = any) to a status, who may take it
    (permission holders, the requester, an assignee; managers always), named guards and
    the stages that must be signed off first (kept in the stages' order)."""
    item_type = _locked_type(actor, workspace, item_type_id)
    transition = Transition(item_type=item_type)
    if transition_id is not None:
        found = item_type.transitions.filter(pk=transition_id).first()
        if found is None:
            raise NotFound(_("Not found."))
        transition = found
    errors = _Errors()
    key = key.strip()
    _check_key(errors, key)
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
    _check_name(errors, label_en, "label_en", 120, required=True)
    _check_name(errors, label_ru, "label_ru", 120, required=False)
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
    _check_position(errors, position)
    errors.raise_if_any()
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
    _changed(actor, workspace, item_type, "transition_saved", key)
    return transition


@transaction.atomic
def transition_delete(*, actor: User, workspace: Workspace, transition_id: int) -> None:
    """Delete a step; the last step carrying the type's "take" key stays (the queue's
    "take next" runs it)."""
    transition: Transition = _type_of(actor, workspace, Transition, transition_id)
    item_type = _locked_type(actor, workspace, transition.item_type_id)
    if (
        transition.key == item_type.take_transition
        and not item_type.transitions.filter(key=transition.key).exclude(pk=transition.pk).exists()
    ):
        raise DomainError(
            _("Specialists take items from the queue with this step; it cannot be deleted.")
        )
    transition.delete()
    _changed(actor, workspace, item_type, "transition_deleted", transition.key)


# ---------------------------------------------------------------- fields


def choices_parse(text: str) -> list[dict[str, str]]:
    """Lines "value | English | Русский" → [{"value", "en", "ru"}]; blank lines skipped,
    a missing English label is the value itself."""
    choices = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > 3 or not parts[0]:
            message = _("Line %(n)d: write “value | English | Русский”.") % {"n": number}
            raise DomainError(message, field_errors={"choices": [message]})
        parts += [""] * (3 - len(parts))
        choices.append({"value": parts[0], "en": parts[1] or parts[0], "ru": parts[2]})
    return choices


def choices_text(choices: Iterable[Mapping[str, str]]) -> str:
    """The editor's text for stored choices (the inverse of `choices_parse`)."""
    return "\n".join(
        " | ".join(
            [c.get("value", ""), c.get("en", ""), c.get("ru", "")]
            if c.get("ru")
            else [c.get("value", ""), c.get("en", "")]
        )
        for c in choices
    )


def _held_values(item_type: ItemType, key: str) -> bool:
    """Whether some item of the type stores a value under `key` (JSONB ? operator)."""
    return Item.objects.filter(item_type=item_type, values__has_key=key).exists()


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
    """Create or change a custom field. `choices` is a list or the editor's lines;
    `role_ids` (a person field: whose people it offers; None: unchanged) are the
    workspace's roles.

    Items keep their values by key in JSON, so once some item holds a value in a field,
    its key and kind stay as they are (a rename would orphan the values, a new kind
    would misread them). A rename follows into the skill field and SLA conditions.
    A computed field (a name of `pult.work.computed`) is never typed in: its policy rules
    that would make it editable or required become read-only in the same write.
    """
    item_type = _locked_type(actor, workspace, item_type_id)
    field = FieldDef(item_type=item_type)
    if field_id is not None:
        found = item_type.fields.filter(pk=field_id).first()
        if found is None:
            raise NotFound(_("Not found."))
        field = found
    errors = _Errors()
    key = key.strip()
    _check_key(errors, key)
    if item_type.fields.filter(key=key).exclude(pk=field.pk).exists():
        errors.add("key", _("This type already has a field with this key."))
    _check_name(errors, name_en, "name_en", 200, required=True)
    _check_name(errors, name_ru, "name_ru", 200, required=False)
    _check_name(errors, help_en, "help_en", 300, required=False)
    _check_name(errors, help_ru, "help_ru", 300, required=False)
    _check_position(errors, position)
    if kind not in FieldKind.values:
        errors.add("kind", _("Choose a kind of field."))
    stage = None
    if stage_id is not None:
        stage = item_type.stages.filter(pk=stage_id).first()
        if stage is None:
            errors.add("stage", _("Choose one of the type's stages."))
    if computed_name and computed_name not in computed.names():
        errors.add("computed", _("Choose one of the known computations."))
    parsed: list[dict[str, str]] = []
    try:
        parsed = (
            choices_parse(choices)
            if isinstance(choices, str)
            else [
                {"value": str(c["value"]), "en": str(c.get("en", "")), "ru": str(c.get("ru", ""))}
                for c in choices
            ]
        )
    except DomainError as error:
        errors.add("choices", error.message)
    except (KeyError, TypeError):
        errors.add("choices", _("Each choice needs a value."))
    if kind == FieldKind.CHOICE:
        values = [c["value"] for c in parsed]
        if not parsed and "choices" not in errors.fields:
            errors.add("choices", _("A choice field needs at least one choice."))
        elif len(set(values)) != len(values):
            errors.add("choices", _("Each choice needs its own value."))
    else:
        parsed = []  # only choice fields have choices
    roles: list[Role] | None = None
    if role_ids is not None:
        roles = list(Role.objects.filter(workspace=workspace, pk__in=set(role_ids)))
        if len(roles) != len(set(role_ids)):
            errors.add("roles", _("Choose roles of this workspace."))
        if kind != FieldKind.USER:
            roles = []  # only person fields offer people
    old_key = field.key
    changes_meaning = field.pk is not None and (key != old_key or kind != field.kind)
    if changes_meaning and _held_values(item_type, old_key):
        errors.add(
            "key" if key != old_key else "kind",
            _("Items already hold values in this field; its key and kind stay as they are."),
        )
    errors.raise_if_any()
    field.key, field.kind, field.choices = key, kind, parsed
    field.name_en, field.name_ru = name_en.strip(), name_ru.strip()
    field.help_en, field.help_ru = help_en.strip(), help_ru.strip()
    field.stage, field.computed = stage, computed_name
    field.position = position
    field.save()
    if roles is not None:
        field.roles.set(roles)
    elif kind != FieldKind.USER:
        field.roles.clear()
    if computed_name:
        field.rules.filter(mode__in=_WRITABLE).update(mode=FieldMode.READ)
    if old_key and old_key != key:
        if item_type.skill_field == old_key:
            item_type.skill_field = key
            item_type.save(update_fields=["skill_field"])
        item_type.sla_rules.filter(condition_field=old_key).update(condition_field=key)
    _changed(actor, workspace, item_type, "field_saved", key)
    return field


@transaction.atomic
def field_delete(*, actor: User, workspace: Workspace, field_id: int) -> None:
    """Delete a field with its policy rules (they say how to show this very field and
    mean nothing without it). Items keep their stored values, so a field re-created
    under the same key shows them again. A field the skill match or an SLA rule reads
    is kept: deleting it would silently change who gets items and their due dates."""
    field: FieldDef = _type_of(actor, workspace, FieldDef, field_id)
    item_type = _locked_type(actor, workspace, field.item_type_id)
    if item_type.skill_field == field.key:
        raise DomainError(
            _("Automatic assignment matches skills by this field; choose another one first.")
        )
    if item_type.sla_rules.filter(condition_field=field.key).exists():
        raise DomainError(_("A regulation (SLA rule) depends on this field; change it first."))
    field.delete()  # its FieldRule rows go by ON DELETE CASCADE
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
    """Set the field policy for one subject — a role, a relation (requester/assignee),
    or anyone when both are empty — and one scope — no stage, or while `stage_id` is not
    signed off — cell by cell: (field id, status id or None for any status) →
    hidden/read/edit/required, or "" for no rule. Cells not given are kept, and so are
    the rules of other scopes. A computed field is at most read-only."""
    item_type = _locked_type(actor, workspace, item_type_id)
    errors = _Errors()
    stage = None
    if stage_id is not None:
        stage = item_type.stages.filter(pk=stage_id).first()
        if stage is None:
            errors.add("stage", _("Choose one of the type's stages."))
    role = None
    if role_id is not None and relation:
        errors.add("who", _("Choose a role or a relation, not both."))
    if role_id is not None:
        role = Role.objects.filter(workspace=workspace, pk=role_id).first()
        if role is None:
            errors.add("who", _("Choose one of the workspace's roles."))
    if relation and relation not in RELATIONS:
        errors.add("who", _("Choose the requester or an assignee."))
    fields = {f.pk: f for f in item_type.fields.all()}
    status_ids = set(item_type.statuses.values_list("pk", flat=True))
    for (field_id, status_id), mode in cells.items():
        if field_id not in fields or (status_id is not None and status_id not in status_ids):
            errors.add("cells", _("The policy names a field or status of another type."))
            break
        if mode and mode not in FieldMode.values:
            errors.add("cells", _("Unknown field mode “%(v)s”.") % {"v": mode})
            break
        if mode in _WRITABLE and fields[field_id].computed:
            errors.add(
                "cells",
                _("“%(name)s” is computed: it can be hidden or read-only, never filled in.")
                % {"name": fields[field_id].name},
            )
            break
    errors.raise_if_any()
    subject = FieldRule.objects.filter(
        field__item_type=item_type, role=role, relation=relation, stage=stage
    )
    cell_q = Q()
    for field_id, status_id in cells:
        cell_q |= Q(field_id=field_id, status_id=status_id)  # status None: IS NULL
    if cells:
        subject.filter(cell_q).delete()
    FieldRule.objects.bulk_create(
        FieldRule(
            field_id=field_id,
            status_id=status_id,
            stage=stage,
            role=role,
            relation=relation,
            mode=mode,
        )
        for (field_id, status_id), mode in cells.items()
        if mode
    )
    _changed(actor, workspace, item_type, "field_policy", role.name if role else relation)


# ---------------------------------------------------------------- import


@transaction.atomic
def pipeline_import(*, actor: User, workspace: Workspace, data: Mapping[str, Any]) -> ItemType:
    """Load one work-item type from a preset file, all or nothing. A new key creates the
    type; an existing key is replaced in place — unless an item is in a status the file
    drops (or in a status whose category or queue flag it changes), or a sign-off is on
    a stage it drops; the refusal names them."""
    _require_configurer(actor, workspace)

    def refuse(problems: list[str]) -> DomainError:
        message = _("The pipeline file is not valid: %(errors)s") % {"errors": "; ".join(problems)}
        return DomainError(message, field_errors={"file": [message]})

    problems = shape_errors(data) or _check(workspace, dict(data))
    if problems:
        raise refuse(problems)
    existing = (
        ItemType.objects.select_for_update().filter(workspace=workspace, key=data["key"]).first()
    )
    prefix_taken = ItemType.objects.filter(workspace=workspace, number_prefix=data["prefix"])
    if existing is not None:
        prefix_taken = prefix_taken.exclude(pk=existing.pk)
    if prefix_taken.exists():
        raise refuse([_("another type already uses the prefix “%(v)s”") % {"v": data["prefix"]}])
    if existing is None:
        item_type = item_type_import(workspace=workspace, data=dict(data))
        _changed(actor, workspace, item_type, "imported", item_type.key)
        return item_type
    by_key = {s["key"]: s for s in data["statuses"]}
    blocked = []
    for status in existing.statuses.all():
        if not Item.objects.filter(status=status).exists():
            continue
        new = by_key.get(status.key)
        if new is None:
            blocked.append(_("items are in “%(v)s”, which the file drops") % {"v": status.name})
        elif (new.get("category", "open"), bool(new.get("queued"))) != (
            status.category,
            status.queued,
        ):
            blocked.append(
                _("items are in “%(v)s”, whose category or queue flag the file changes")
                % {"v": status.name}
            )
    stage_keys = {s["key"] for s in data.get("stages") or []}
    for stage in existing.stages.exclude(key__in=stage_keys):
        if SignOff.objects.filter(stage=stage).exists():
            blocked.append(
                _("stage “%(v)s” has sign-offs and the file drops it") % {"v": stage.name}
            )
    if blocked:
        message = _("The pipeline was not replaced: %(reasons)s.") % {"reasons": "; ".join(blocked)}
        raise DomainError(message, field_errors={"file": [message]})
    item_type_replace(existing, data)
    _changed(actor, workspace, existing, "imported", existing.key)
    return existing
