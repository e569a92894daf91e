"""What a step does besides moving the status: effects registered by name, as guards
are, and run by `services.work_item_transition` inside its transaction (the item row
locked), so that every way of taking a step (the item page, the board, the API, bulk
actions) does the same.

Which effects a step has is the pipeline's data: its `StepEffect` rows (a name and
parameters, in order), plus one the type declares by naming its take step
(`ItemType.take_transition`): taking an item that waits in the queue assigns whoever
takes it. An app adds an effect with the decorator and a pipeline names it:

    @effects.effect("award_bid", label=gettext_lazy("Award the bid"))
    def award_bid(item, transition, actor, params): ...

The label is what the pipeline editor shows for the name (`label`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from pult.activity.services import event_record

if TYPE_CHECKING:
    from pult.accounts.models import User
    from pult.work.models import Item, Transition

Effect = Callable[["Item", "Transition", "User", Mapping[str, Any]], None]

_effects: dict[str, Effect] = {}
_labels: dict[str, str | Promise] = {}


@dataclass(frozen=True)
class Planned:
    """One effect a step will run: its name and parameters."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)


def effect(name: str, label: str | Promise = "") -> Callable[[Effect], Effect]:
    def register(fn: Effect) -> Effect:
        _effects[name] = fn
        if label:
            _labels[name] = label
        return fn

    return register


def names() -> list[str]:
    return sorted(_effects)


def label(name: str) -> str:
    """The effect's name for people, in the active language (its key when its app gave
    it no label, or no app registers it any more)."""
    return str(_labels.get(name, name))


def effects_of(item: Item, transition: Transition) -> list[Planned]:
    """The step's effects, from the pipeline's data: taking an item that waits in the
    queue by the type's take step (a staged order's "start" is its take step too, but
    nobody takes an order from a queue), then the step's own StepEffect rows."""
    from pult.work.pipeline_cache import pipeline_of

    planned = []
    if transition.key == item.item_type.take_transition and item.in_queue:
        planned.append(Planned("assign_actor"))
    for row in pipeline_of(item.item_type).effects.get(transition.pk, ()):
        planned.append(Planned(row.name, row.params or {}))
    return planned


def apply(item: Item, transition: Transition, actor: User) -> None:
    """Run the step's effects in order (the item row is locked by the caller). An
    effect no app registers any more is skipped: the pipeline check names it."""
    for planned in effects_of(item, transition):
        if run := _effects.get(planned.name):
            run(item, transition, actor, planned.params)


@effect("assign_actor", label=gettext_lazy("Assign whoever takes the step"))
def assign_actor(
    item: Item, transition: Transition, actor: User, params: Mapping[str, Any]
) -> None:
    """Whoever takes the item becomes its assignee (and may then complete it)."""
    if item.assignees.filter(pk=actor.pk).exists():
        return  # given to them already (a head's or the automatic assignment)
    item.assignees.add(actor)
    event_record(actor=actor, workspace=item.workspace, verb="work.taken", target=item)


@effect("unassign", label=gettext_lazy("Unassign everyone"))
def unassign(item: Item, transition: Transition, actor: User, params: Mapping[str, Any]) -> None:
    """The item goes back to nobody (a step that returns it to the queue)."""
    item.assignees.clear()


@effect("set_field", label=gettext_lazy("Set a field"))
def set_field(item: Item, transition: Transition, actor: User, params: Mapping[str, Any]) -> None:
    """Set a field of the item to a fixed value ({"key": …, "value": …}); saved with the
    step's own save of the item."""
    key = str(params.get("key") or "")
    if not key:
        return
    if params.get("value") in (None, ""):
        item.values.pop(key, None)
    else:
        item.values[key] = params["value"]


@effect("start_clock", label=gettext_lazy("Start the work clock"))
def start_clock(item: Item, transition: Transition, actor: User, params: Mapping[str, Any]) -> None:
    """The work starts now (the start of the SLA's finish clock), if it had not."""
    item.started_at = item.started_at or timezone.now()
