"""The one writer of a type's fields, its field policy and its regulations (SLA rules).
What holds for every writer (who calls them, the lock, the events) is in `writers`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db.models import Q
from django.utils.translation import gettext as _

from pult.access.models import Role
from pult.core.exceptions import DomainError
from pult.pipelines import effect_writers
from pult.pipelines.files import RELATIONS
from pult.pipelines.writers import Errors, check_key, check_name, check_position
from pult.work import computed
from pult.work.models import FieldDef, FieldKind, FieldMode, FieldRule, Item, ItemType, SlaRule

# Modes that let someone type a value in: never for a computed field.
WRITABLE = (FieldMode.EDIT, FieldMode.REQUIRED)


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


def field_write(
    item_type: ItemType,
    field: FieldDef,
    *,
    errors: Errors | None = None,
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
    """Create (`field` without a pk) or change a custom field. `choices` is a list or the
    editor's lines; `role_ids` (a person field: whose people it offers; None: unchanged)
    are the workspace's roles.

    Items keep their values by key in JSON, so once some item holds a value in a field,
    its key and kind stay as they are (a rename would orphan the values, a new kind
    would misread them). A rename follows into the skill field, SLA conditions and the
    steps that set the field; a change that would refuse the value a step sets it to
    (its kind, choices, computation) is refused.
    A computed field (a name of `pult.work.computed`) is never typed in: its policy rules
    that would make it editable or required become read-only in the same write.
    """
    errors = errors or Errors()
    key = key.strip()
    check_key(errors, key)
    if item_type.fields.filter(key=key).exclude(pk=field.pk).exists():
        errors.add("key", _("This type already has a field with this key."))
    check_name(errors, name_en, "name_en", 200, required=True)
    check_name(errors, name_ru, "name_ru", 200, required=False)
    check_name(errors, help_en, "help_en", 300, required=False)
    check_name(errors, help_ru, "help_ru", 300, required=False)
    check_position(errors, position)
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
        roles = list(Role.objects.filter(workspace_id=item_type.workspace_id, pk__in=set(role_ids)))
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
    if field.pk is not None:
        probe = FieldDef(kind=kind, choices=parsed, computed=computed_name)
        if steps := effect_writers.steps_refused_by(item_type, old_key, probe):
            at_fault = "kind" if kind != field.kind else "choices"
            errors.add(
                "computed" if computed_name and not field.computed else at_fault,
                _("Steps set this field to a value it would no longer take: %(steps)s.")
                % {"steps": ", ".join(steps)},
            )
    errors.raise_if_any()
    field.item_type = item_type
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
        field.rules.filter(mode__in=WRITABLE).update(mode=FieldMode.READ)
    if old_key and old_key != key:
        if item_type.skill_field == old_key:
            item_type.skill_field = key
            item_type.save(update_fields=["skill_field"])
        item_type.sla_rules.filter(condition_field=old_key).update(condition_field=key)
        effect_writers.field_key_follow(item_type, old_key, key)
    return field


def field_remove(item_type: ItemType, field: FieldDef) -> None:
    """Delete a field with its policy rules (they say how to show this very field and
    mean nothing without it). Items keep their stored values, so a field re-created
    under the same key shows them again. A field the skill match or an SLA rule reads
    is kept: deleting it would silently change who gets items and their due dates; so
    is a field a step sets (`effect_writers`)."""
    if item_type.skill_field == field.key:
        raise DomainError(
            _("Automatic assignment matches skills by this field; choose another one first.")
        )
    if item_type.sla_rules.filter(condition_field=field.key).exists():
        raise DomainError(_("A regulation (SLA rule) depends on this field; change it first."))
    if steps := effect_writers.steps_setting(item_type, field.key):
        raise DomainError(
            _("Steps set “%(name)s”: %(steps)s. Change them first.")
            % {"name": field.name, "steps": ", ".join(steps)}
        )
    field.delete()  # its FieldRule rows go by ON DELETE CASCADE


def field_rules_write(
    item_type: ItemType,
    *,
    role_id: int | None = None,
    relation: str = "",
    stage_id: int | None = None,
    cells: Mapping[tuple[int, int | None], str],
) -> Role | None:
    """Set the field policy for one subject — a role, a relation (requester/assignee),
    or anyone when both are empty — and one scope — no stage, or while `stage_id` is not
    signed off — cell by cell: (field id, status id or None for any status) →
    hidden/read/edit/required, or "" for no rule. Cells not given are kept, and so are
    the rules of other scopes; the rules are written in the order of `cells`. A computed
    field is at most read-only. Returns the subject's role."""
    errors = Errors()
    stage = None
    if stage_id is not None:
        stage = item_type.stages.filter(pk=stage_id).first()
        if stage is None:
            errors.add("stage", _("Choose one of the type's stages."))
    role = None
    if role_id is not None and relation:
        errors.add("who", _("Choose a role or a relation, not both."))
    if role_id is not None:
        role = Role.objects.filter(workspace_id=item_type.workspace_id, pk=role_id).first()
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
        if mode in WRITABLE and fields[field_id].computed:
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
    return role


def sla_rule_write(
    item_type: ItemType,
    *,
    condition_field: str = "",
    condition_value: str = "",
    start_hours: float,
    finish_hours: float,
    position: int = 0,
) -> SlaRule:
    """Add a regulation: start and finish within so many working hours, for the items
    whose `condition_field` holds `condition_value` (or for all)."""
    return SlaRule.objects.create(
        item_type=item_type,
        position=position,
        condition_field=condition_field,
        condition_value=condition_value,
        start_within_hours=start_hours,
        finish_within_hours=finish_hours,
    )
