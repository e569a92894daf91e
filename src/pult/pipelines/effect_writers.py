"""A step's effects (`work.effects`, rows `StepEffect`), checked and written as part of
the step by its one writer, `writers.transition_write`: the editor and pipeline files
give the same list of (name, parameters), in the order they run.

`set_field` is the one built-in effect with parameters: {"key": a field of the type,
"value": the value it gets}. The value is stored as the item page would store it
(`values.parse_value`), so the effect writes nothing a form would refuse; empty clears
the field. A person, file or computed field is not set to a fixed value: a person id is
not the same person in another workspace, a file is an upload, a computed field is
worked out on every save.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from pult.work import effects
from pult.work.models import FieldDef, FieldKind, StepEffect
from pult.work.values import parse_value

if TYPE_CHECKING:
    from pult.pipelines.writers import Errors
    from pult.work.models import ItemType, Transition

SET_FIELD = "set_field"
MAX_EFFECTS = 20  # a step's few; positions are small integers
_NOT_SETTABLE = (FieldKind.USER, FieldKind.FILE)

EffectRows = Sequence[tuple[str, Mapping[str, Any]]]


def settable(field: FieldDef) -> bool:
    """Whether a step may set the field to a fixed value."""
    return not field.computed and field.kind not in _NOT_SETTABLE


def simple_names() -> list[str]:
    """The registered effects without parameters: the editor ticks them."""
    return [name for name in effects.names() if name != SET_FIELD]


def effects_check(
    errors: Errors, item_type: ItemType, rows: EffectRows
) -> list[tuple[str, dict[str, Any]]]:
    """The rows as they will be stored, their refusals added to `errors`: each name one
    an app registers; a set_field names a field of the type it may set and a value of
    that field (stored as the field stores it)."""
    if len(rows) > MAX_EFFECTS:
        errors.add(
            "effects", _("Too many effects: a step runs at most %(n)d.") % {"n": MAX_EFFECTS}
        )
        return []
    known = set(effects.names())
    if unknown := sorted({name for name, _params in rows if name not in known}):
        errors.add("effects", _("Unknown effect: %(names)s.") % {"names": ", ".join(unknown)})
    fields = {f.key: f for f in item_type.fields.all()}
    cleaned = []
    for name, params in rows:
        stored = dict(params)
        if name == SET_FIELD:
            field = fields.get(str(params.get("key") or ""))
            if field is None:
                errors.add("set_field_key", _("Choose one of the type's fields."))
                continue
            if not settable(field):
                errors.add(
                    "set_field_key",
                    _("A step sets a typed-in field, not a person, file or computed one."),
                )
                continue
            try:
                value = parse_value(field, params.get("value"))
            except ValueError as error:
                errors.add("set_field_value", str(error))
                continue
            stored = {"key": field.key, "value": value}
        cleaned.append((name, stored))
    return cleaned


def effects_write(transition: Transition, rows: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Replace the step's effects with `rows` (checked by `effects_check`), in order."""
    transition.effects.all().delete()
    StepEffect.objects.bulk_create(
        StepEffect(transition=transition, name=name, params=params, position=position)
        for position, (name, params) in enumerate(rows)
    )


# ---------------------------------------------------------------- the fields they set


def _setting(item_type: ItemType, key: str) -> list[StepEffect]:
    """The type's set_field effects that set the field `key`."""
    rows = StepEffect.objects.filter(
        transition__item_type=item_type, name=SET_FIELD, params__key=key
    ).select_related("transition")
    return list(rows)


def steps_setting(item_type: ItemType, key: str) -> list[str]:
    """The labels of the steps that set the field `key` (a field they set stays)."""
    return sorted({e.transition.label for e in _setting(item_type, key)})


def steps_refused_by(item_type: ItemType, key: str, probe: FieldDef) -> list[str]:
    """The labels of the steps that set the field `key` to a value the field as `probe`
    describes it (its new kind, choices, computation) would not take."""
    refused = set()
    for e in _setting(item_type, key):
        try:
            if not settable(probe):
                raise ValueError
            parse_value(probe, (e.params or {}).get("value"))
        except ValueError:
            refused.add(e.transition.label)
    return sorted(refused)


def field_key_follow(item_type: ItemType, old_key: str, key: str) -> None:
    """A renamed field's new key follows into the effects that set it."""
    for e in _setting(item_type, old_key):
        e.params = {**e.params, "key": key}
        e.save(update_fields=["params"])
