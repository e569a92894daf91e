"""What a step does besides moving the status: effects registered by name, as guards
are, and run by `services.work_item_transition` inside its transaction, so that every
way of taking a step (the item page, the board, the API, bulk actions) does the same.

A step's effects come from its pipeline's data: the type's take step (`ItemType.
take_transition`), taken from the queue, assigns whoever takes it. Apps may register
effects of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pult.activity.services import event_record

if TYPE_CHECKING:
    from pult.accounts.models import User
    from pult.work.models import Item, Transition

Effect = Callable[["Item", "Transition", "User"], None]

_effects: dict[str, Effect] = {}


def effect(name: str) -> Callable[[Effect], Effect]:
    def register(fn: Effect) -> Effect:
        _effects[name] = fn
        return fn

    return register


def names() -> list[str]:
    return sorted(_effects)


def effects_of(item: Item, transition: Transition) -> list[str]:
    """The names of the effects the step has, from the pipeline's data: taking an item
    that waits in the queue (a staged order's "start" is its take step too, but nobody
    takes an order from a queue)."""
    taking = transition.key == item.item_type.take_transition and item.in_queue
    return ["assign_actor"] if taking else []


def apply(item: Item, transition: Transition, actor: User) -> None:
    """Run the step's effects in order (the item row is locked by the caller)."""
    for name in effects_of(item, transition):
        _effects[name](item, transition, actor)


@effect("assign_actor")
def assign_actor(item: Item, transition: Transition, actor: User) -> None:
    """Whoever takes the item becomes its assignee (and may then complete it)."""
    if item.assignees.filter(pk=actor.pk).exists():
        return  # given to them already (a head's or the automatic assignment)
    item.assignees.add(actor)
    event_record(actor=actor, workspace=item.workspace, verb="work.taken", target=item)
