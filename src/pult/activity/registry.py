"""What each app tells the activity feed: how to describe its verbs and which of
its targets an actor may see. Unregistered target types are visible to nobody."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

# Returns the queryset of targets the actor may see in the workspace; None means none.
VisibleTargets = Callable[["User", "Workspace"], "QuerySet[Any] | None"]


@dataclass(frozen=True)
class Verb:
    key: str
    # Formatted with %(actor)s and %(target)s, plus payload keys named in the text.
    text: str | Promise
    label: str | Promise
    # Permission a viewer needs to see events of this kind at all ("" = none).
    requires: str = ""


_verbs: dict[str, Verb] = {}
_visibility: dict[type[Model], VisibleTargets] = {}


def register_verbs(*verbs: Verb) -> None:
    for verb in verbs:
        _verbs[verb.key] = verb


def register_visibility(model: type[Model], visible_targets: VisibleTargets) -> None:
    _visibility[model] = visible_targets


def verb(key: str) -> Verb | None:
    return _verbs.get(key)


def all_verbs() -> list[Verb]:
    return sorted(_verbs.values(), key=lambda v: v.key)


def visibility_rules() -> dict[type[Model], VisibleTargets]:
    return dict(_visibility)
