"""Stage reads: each stage of an item as one person sees it, for the item page and the API.

One selector answers what a stage still needs and who may sign or withdraw it, so the
page's buttons and the API's `can_sign` cannot drift apart; each entry point only
renders the answer (the page adds its forms, the API maps it to its schema)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pult.core.params import id_or_none
from pult.work import policies
from pult.work.exceptions import StageOutOfOrder
from pult.work.models import FieldDef, FieldKind, FieldMode, Item, SignOff, Stage
from pult.work.selectors import member_choices
from pult.work.values import display_value, is_empty

if TYPE_CHECKING:
    from pult.accounts.models import User


@dataclass(frozen=True)
class StageRow:
    """A field of the stage the viewer may see: its stored value, the value as a page
    shows it (labels, money, dates, people by name) and the viewer's mode."""

    field: FieldDef
    value: Any
    display: str
    mode: str


@dataclass(frozen=True)
class StagePanel:
    """One stage of an item for one person.

    `missing` names the empty required fields among those the person sees (a hidden
    field is not named at all); `can_sign` is `policies.can_sign_stage` on an unsigned
    stage, and `waiting` is, for the stage's signer, the refusal `services.stage_sign`
    would give while earlier stages are unsigned (empty otherwise). A missing field does
    not take `can_sign` away: the sign-off is offered and its refusal names the fields."""

    stage: Stage
    fields: tuple[FieldDef, ...]  # all the stage's fields, hidden ones too (the page's form)
    rows: tuple[StageRow, ...]
    required: frozenset[str]  # keys of the fields the policy makes required now
    signoff: SignOff | None
    missing: tuple[str, ...]
    can_sign: bool
    waiting: str
    can_unsign: bool


def stage_panel_list(
    *,
    actor: User,
    item: Item,
    modes: dict[str, str],
    people: Iterable[tuple[int, str]] | None = None,
) -> list[StagePanel]:
    """Each stage of the item, in pipeline order, as `actor` sees it (`modes`: their
    field policy for the item); empty for a type without stages.

    No query of its own for an item from `selectors.item_get` (sign-offs prefetched,
    fields and stages from the pipeline's copy), save one for people's names, and only
    when a visible person field names someone and `people` (id, name) was not given."""
    stages = list(item.item_type.stages.all())
    if not stages:
        return []
    definitions = list(item.item_type.fields.all())
    signoffs = {s.stage_id: s for s in item.signoffs.all()}
    signed = set(signoffs)
    closed = policies.is_frozen(item)

    def visible(field: FieldDef) -> bool:
        return modes.get(field.key, FieldMode.HIDDEN) != FieldMode.HIDDEN

    named = any(
        f.kind == FieldKind.USER
        and f.stage_id
        and visible(f)
        and id_or_none(item.values.get(f.key))
        for f in definitions
    )
    names: dict[Any, str] = {}
    if named:
        names = dict(people if people is not None else member_choices(workspace=item.workspace))

    def shown(field: FieldDef, value: Any) -> str:
        if field.kind == FieldKind.USER and not is_empty(value):
            return names.get(value, str(value))
        return display_value(field, value)

    panels = []
    for stage in stages:
        fields = tuple(f for f in definitions if f.stage_id == stage.pk)
        required = policies.stage_required_fields(item, stage)
        signoff = signoffs.get(stage.pk)
        # The parts of `policies.can_sign_stage` (as `services.stage_sign` checks them),
        # kept apart to tell the signer what they wait for.
        signer = signoff is None and not closed and policies.is_stage_signer(actor, item, stage)
        earlier = policies.unsigned_earlier_stages(item, stage, signed) if signer else []
        rows = tuple(
            StageRow(
                field=f,
                value=item.values.get(f.key),
                display=shown(f, item.values.get(f.key)),
                mode=modes[f.key],
            )
            for f in fields
            if visible(f)
        )
        panels.append(
            StagePanel(
                stage=stage,
                fields=fields,
                rows=rows,
                required=frozenset(f.key for f in required),
                signoff=signoff,
                missing=()
                if signoff
                else tuple(
                    f.name for f in required if visible(f) and is_empty(item.values.get(f.key))
                ),
                can_sign=signer and not earlier,
                waiting=StageOutOfOrder([s.name for s in earlier]).message if earlier else "",
                can_unsign=signoff is not None
                and policies.can_unsign_stage(actor, item, stage, signed),
            )
        )
    return panels
