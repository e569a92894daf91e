"""Named transition conditions: a guard returns what is missing, or nothing.

Pipelines name their guards as data (Transition.guards); the code lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from pult.accounts.models import User
    from pult.work.models import Item, Transition

Guard = Callable[["Item", "Transition", "User"], list[str]]

_guards: dict[str, Guard] = {}


def guard(name: str) -> Callable[[Guard], Guard]:
    def register(fn: Guard) -> Guard:
        _guards[name] = fn
        return fn

    return register


def names() -> list[str]:
    return sorted(_guards)


def missing_for(item: Item, transition: Transition, actor: User) -> list[str]:
    """What the step still needs: its unsigned stages first, then its guards' gaps."""
    missing = unsigned_stages(item, transition.requires_stages or [])
    for name in transition.guards or []:
        check = _guards.get(name)
        if check is None:
            missing.append(_("an unknown condition “%(name)s”") % {"name": name})
            continue
        missing.extend(check(item, transition, actor))
    return missing


@guard("required_fields_filled")
def required_fields_filled(item: Item, transition: Transition, actor: User) -> list[str]:
    """Every field required in the target status has a value."""
    from pult.work.policies import field_modes
    from pult.work.values import is_empty

    modes = field_modes(
        actor=actor, item_type=item.item_type, status=transition.to_status, item=item
    )
    return [
        field.name
        for field in item.item_type.fields.all()
        if modes.get(field.key) == "required" and is_empty(item.values.get(field.key))
    ]


@guard("has_assignee")
def has_assignee(item: Item, transition: Transition, actor: User) -> list[str]:
    return [] if item.assignees.exists() else [_("an assignee")]


@guard("requester_contacts_complete")
def requester_contacts_complete(item: Item, transition: Transition, actor: User) -> list[str]:
    from pult.work.values import requester_contact_gaps

    return requester_contact_gaps(item.requester, item.workspace)


@guard("all_stages_signed")
def all_stages_signed(item: Item, transition: Transition, actor: User) -> list[str]:
    """Every stage of the type signed off (a staged order's archive): each unsigned one
    named, in pipeline order, with the required fields it still lacks."""
    from pult.work.pipeline_cache import pipeline_of

    return unsigned_stages(item, [stage.key for stage in pipeline_of(item.item_type).stages])


def unsigned_stages(item: Item, stage_keys: list[str]) -> list[str]:
    """Each named stage not yet signed off, with the required fields it still lacks."""
    if not stage_keys:
        return []
    from pult.work.models import SignOff
    from pult.work.policies import stage_required_fields
    from pult.work.values import is_empty

    stages = {s.key: s for s in item.item_type.stages.filter(key__in=stage_keys)}
    signed = set(
        SignOff.objects.filter(item=item, stage__key__in=stage_keys).values_list(
            "stage__key", flat=True
        )
    )
    missing = []
    for key in stage_keys:
        stage = stages.get(key)
        if stage is None:
            missing.append(_("an unknown stage “%(key)s”") % {"key": key})
            continue
        if key in signed:
            continue
        gaps = [
            f.name for f in stage_required_fields(item, stage) if is_empty(item.values.get(f.key))
        ]
        if gaps:
            missing.append(
                _("the sign-off of “%(stage)s” (still missing: %(fields)s)")
                % {"stage": stage.name, "fields": ", ".join(gaps)}
            )
        else:
            missing.append(_("the sign-off of “%(stage)s”") % {"stage": stage.name})
    return missing
