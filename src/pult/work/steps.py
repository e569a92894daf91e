"""Which steps a person may take on an item, and why the others wait: the one answer
the item page (its buttons), the board (a card dropped on a column), the API (`GET
items/{id}/steps`) and the bulk actions all read, so that none of them offers what
the one writer of the status (`services.work_item_transition`) would refuse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pult.work import guards, policies
from pult.work.selectors import transitions_from

if TYPE_CHECKING:
    from pult.accounts.models import User
    from pult.work.models import Item, Status, Transition


@dataclass(frozen=True)
class Step:
    """A step the actor may take on the item: now (`missing` empty) or once what it
    names is done (unsigned stages, empty required fields, a guard's reason)."""

    transition: Transition
    missing: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.transition.key

    @property
    def label(self) -> str:
        return self.transition.label

    @property
    def to_status(self) -> Status:
        return self.transition.to_status

    @property
    def available(self) -> bool:
        return not self.missing


def available_steps(actor: User, item: Item) -> list[Step]:
    """The steps out of the item's status that the actor holds (by permission, or as
    its requester or assignee), in the pipeline's order, each with what it still
    needs. Steps the actor may never take are not listed: they are not theirs to see."""
    return [
        Step(transition, tuple(guards.missing_for(item, transition, actor)))
        for transition in transitions_from(item)
        if policies.can_take_transition(actor, item, transition)
    ]


def step_to(actor: User, item: Item, status_key: str) -> Step | None:
    """The step that takes the item to that status (a card dropped on its column), the
    first the actor may take now, else the first they hold; None when none leads there."""
    leading = [step for step in available_steps(actor, item) if step.to_status.key == status_key]
    return next((step for step in leading if step.available), leading[0] if leading else None)
