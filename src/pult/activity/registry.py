"""What each app tells the activity feed: how to describe its verbs, which of its
targets an actor may see, and what it does when an event is recorded. Unregistered
target types are visible to nobody."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.activity.models import Event

# Returns the queryset of targets the actor may see in the workspace; None means none.
VisibleTargets = Callable[["User", "Workspace"], "QuerySet[Any] | None"]
# The names an event's text needs, worked out when it is read: in the reader's language
# (a status's or a field's name) and for the reader (only the fields they may see; the
# reader is None where nobody in particular reads, e.g. the global feed's cache).
Values = Callable[["Event", "User | None"], Mapping[str, object]]
# Reads at once what `values` needs for a page of one workspace's events of the verb (an
# inbox, a feed), so that a page costs the same queries however many events it holds.
Prepare = Callable[[list["Event"], "User | None", "Workspace"], None]
# Called inside the transaction that records an event, after the row is written: an app
# that takes part in what happened (the chat keeps a step's comment as a message).
Subscriber = Callable[["Event"], None]


@dataclass(frozen=True)
class Recorded:
    """What the bus carries: the event just written, its target as the writer holds it
    (in its new state) and whether the workspace's notification rules apply to it."""

    event: Event
    target: Model | None
    notify: bool


# A listener of the bus hears every event, in the recording transaction; what it does
# after commit it defers itself (the notifications app queues its dispatch).
Listener = Callable[[Recorded], None]


@dataclass(frozen=True)
class Verb:
    key: str
    # Formatted with %(actor)s and %(target)s, plus payload keys named in the text.
    text: str | Promise
    label: str | Promise
    # Permission a viewer needs to see events of this kind at all ("" = none).
    requires: str = ""
    values: Values | None = None
    prepare: Prepare | None = None


_verbs: dict[str, Verb] = {}
_visibility: dict[type[Model], VisibleTargets] = {}
_subscribers: dict[str, list[Subscriber]] = {}
_listeners: list[Listener] = []


def register_verbs(*verbs: Verb) -> None:
    for verb in verbs:
        _verbs[verb.key] = verb


def register_visibility(model: type[Model], visible_targets: VisibleTargets) -> None:
    _visibility[model] = visible_targets


def subscribe(verb_key: str, subscriber: Subscriber) -> None:
    """Have `subscriber` called for every event of this kind, in the recording
    transaction, in the order apps subscribed (their order in INSTALLED_APPS)."""
    if subscriber not in _subscribers.setdefault(verb_key, []):
        _subscribers[verb_key].append(subscriber)


def subscribers(verb_key: str) -> list[Subscriber]:
    return list(_subscribers.get(verb_key, ()))


def listen(listener: Listener) -> None:
    """Have `listener` hear every recorded event (the bus; apps listen in ready())."""
    if listener not in _listeners:
        _listeners.append(listener)


def publish(recorded: Recorded) -> None:
    """Tell the subscribers of the event's verb, then the bus's listeners."""
    for subscriber in subscribers(recorded.event.verb):
        subscriber(recorded.event)
    for listener in list(_listeners):
        listener(recorded)


def verb(key: str) -> Verb | None:
    return _verbs.get(key)


def all_verbs() -> list[Verb]:
    return sorted(_verbs.values(), key=lambda v: v.key)


def visibility_rules() -> dict[type[Model], VisibleTargets]:
    return dict(_visibility)
