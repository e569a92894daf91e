"""Computed fields: Python functions registered by name, chosen by FieldDef.computed.

A pipeline names the function as data; the code lives here (never an evaluated
string). A function takes the item (with its new values) and returns the value to
store, or None when it cannot be computed.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pult.work.models import Item

Computed = Callable[["Item"], Any]

_computed: dict[str, Computed] = {}


def computed(name: str) -> Callable[[Computed], Computed]:
    def register(fn: Computed) -> Computed:
        _computed[name] = fn
        return fn

    return register


def apply_computed(item: Item) -> None:
    """Recompute the item's computed fields (FieldDef.computed) from its values."""
    for field in item.item_type.fields.all():
        if not field.computed:
            continue
        value = compute(field.computed, item)
        if value is None:
            item.values.pop(field.key, None)
        else:
            item.values[field.key] = value


def names() -> list[str]:
    return sorted(_computed)


def compute(name: str, item: Item) -> Any:
    fn = _computed.get(name)
    return fn(item) if fn is not None else None


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


@computed("percent_of_contract")
def percent_of_contract(item: Item) -> str | None:
    """The payment as a percentage of the contract sum: payment_amount / amount × 100."""
    payment = _decimal(item.values.get("payment_amount"))
    contract = item.contract if item.contract_id else None
    amount = _decimal(contract.amount) if contract is not None else None
    if payment is None or not amount:
        return None
    return str((payment / amount * 100).quantize(Decimal("0.01")))
