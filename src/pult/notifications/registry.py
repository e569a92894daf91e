"""What the notification rules learn from the apps: who takes part in an object, which
conditions a rule may carry, whom a rule's flags name, and who hears of an event
whatever the rules say. The kernel knows no domain; each app registers its own in
`AppConfig.ready()` (work registers its conditions and the item's people in
`pult.work.notifying`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model

if TYPE_CHECKING:
    from pult.activity.models import Event
    from pult.notifications.models import NotificationRule

Participants = Callable[[Model], Iterable[int]]
# Whether an event meets one key of a rule's condition: (the key's value, event, target).
Matches = Callable[[Any, "Event", "Model | None"], bool]
# The key's value as stored, or a DomainError naming what is wrong with it; None drops it.
Clean = Callable[[Any], Any]
# The people a rule names through its own flags or lists (the item's manager, the
# people named in person fields): (rule, event, target) → user ids.
RuleAddressees = Callable[["NotificationRule", "Event", "Model | None"], Iterable[int]]
# The people who hear of an event of a verb whatever the rules say (an item's new
# assignee): (event, target) → user ids.
Addressees = Callable[["Event", "Model | None"], Iterable[int]]


@dataclass(frozen=True)
class Condition:
    key: str
    matches: Matches
    clean: Clean


_participants: dict[type[Model], Participants] = {}
_conditions: dict[str, Condition] = {}
_rule_addressees: list[RuleAddressees] = []
_always: dict[str, list[Addressees]] = {}


def register_participants(model: type[Model], participants: Participants) -> None:
    _participants[model] = participants


def participant_ids(target: Model | None) -> set[int]:
    if target is None or type(target) not in _participants:
        return set()
    return set(_participants[type(target)](target))


def register_condition(key: str, matches: Matches, clean: Clean) -> None:
    """A key that rules' conditions may hold (validated by `clean` when a rule is saved)."""
    _conditions[key] = Condition(key, matches, clean)


def condition(key: str) -> Condition | None:
    return _conditions.get(key)


def condition_keys() -> list[str]:
    return list(_conditions)


def register_rule_addressees(addressees: RuleAddressees) -> None:
    if addressees not in _rule_addressees:
        _rule_addressees.append(addressees)


def rule_addressee_ids(rule: NotificationRule, event: Event, target: Model | None) -> set[int]:
    ids: set[int] = set()
    for addressees in _rule_addressees:
        ids.update(addressees(rule, event, target))
    return ids


def register_always_told(verb: str, addressees: Addressees) -> None:
    if addressees not in _always.setdefault(verb, []):
        _always[verb].append(addressees)


def always_told_ids(event: Event, target: Model | None) -> set[int]:
    ids: set[int] = set()
    for addressees in _always.get(event.verb, ()):
        ids.update(addressees(event, target))
    return ids
