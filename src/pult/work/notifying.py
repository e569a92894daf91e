"""What the notification rules know of work items, registered with the kernel's
`notifications.registry` (the kernel knows no domain): the conditions a rule may set on
an item's events, the people a rule names through the item (its manager, the people
named in its person fields), and the assignee, who always hears they were given it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from pult.core.exceptions import DomainError
from pult.notifications import registry

if TYPE_CHECKING:
    from django.db.models import Model

    from pult.activity.models import Event
    from pult.notifications.models import NotificationRule

# A `work.validity_expiring` rule without its own `days_before` warns this many days ahead.
DEFAULT_DAYS_BEFORE = 30


def _keys(value: Any) -> list[str] | None:
    keys = [str(key).strip() for key in value or [] if str(key).strip()]
    return keys or None


def _word(value: Any) -> str | None:
    return str(value or "").strip() or None


def _days(value: Any) -> int | None:
    if value in (None, ""):
        return None
    problem = DomainError(
        _("Days before must be a whole number."),
        field_errors={"days_before": [_("Enter a whole number.")]},
    )
    try:
        days = int(value)
    except (TypeError, ValueError) as error:
        raise problem from error
    if days < 0:
        raise problem
    return days


def _fields_any(value: Any, event: Event, target: Model | None) -> bool:
    """A `work.fields_changed` event changed one of these field keys."""
    return bool(set(value or []) & set((event.payload or {}).get("fields") or []))


def _stage(value: Any, event: Event, target: Model | None) -> bool:
    """A `work.stage_signed` event of this stage key."""
    return (event.payload or {}).get("stage_key") == value


def _to_status(value: Any, event: Event, target: Model | None) -> bool:
    """A `work.status_changed` event into this status key (older events carry no key:
    the target, read right after the move, stands in its new status)."""
    status = getattr(target, "status", None)
    return (event.payload or {}).get("to_key", getattr(status, "key", None)) == value


def _days_before(value: Any, event: Event, target: Model | None) -> bool:
    """A `work.validity_expiring` event made this many days ahead."""
    if event.verb != "work.validity_expiring":
        return True
    return (event.payload or {}).get("days_before", DEFAULT_DAYS_BEFORE) == value


def _item_people(rule: NotificationRule, event: Event, target: Model | None) -> set[int]:
    """The item's manager and the people named in the rule's person fields."""
    user_ids: set[int] = set()
    if rule.item_manager and (manager_id := getattr(target, "manager_id", None)):
        user_ids.add(manager_id)
    values = getattr(target, "values", None) or {}
    for key in rule.field_users or []:
        value = values.get(key)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            user_ids.add(int(value))
    return user_ids


def _new_assignee(event: Event, target: Model | None) -> set[int]:
    """Whoever is given an item hears of it, whatever the rules say (one notification
    all the same if a rule names them too); nobody hears of their own doing."""
    assignee_id = (event.payload or {}).get("assignee_id")
    return {assignee_id} if isinstance(assignee_id, int) else set()


def register() -> None:
    registry.register_condition("fields_any", _fields_any, _keys)
    registry.register_condition("stage", _stage, _word)
    registry.register_condition("to_status", _to_status, _word)
    registry.register_condition("days_before", _days_before, _days)
    registry.register_rule_addressees(_item_people)
    registry.register_always_told("work.assigned", _new_assignee)
