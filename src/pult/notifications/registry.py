"""Who takes part in an object, for rules that notify "the participants"."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Model

Participants = Callable[[Model], Iterable[int]]

_participants: dict[type[Model], Participants] = {}


def register_participants(model: type[Model], participants: Participants) -> None:
    _participants[model] = participants


def participant_ids(target: Model | None) -> set[int]:
    if target is None or type(target) not in _participants:
        return set()
    return set(_participants[type(target)](target))
