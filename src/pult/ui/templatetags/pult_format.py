"""Numbers and money in the reader's locale: 1 234,50 ₽ in Russian, ₽1,234.50 in English.

The filters wrap `pult.core.formats`, which Python code (e.g. a field's shown value)
calls directly, so a page and a value computed for it read the same.
"""

from __future__ import annotations

import datetime

from django import template

from pult.core.formats import day_text, money_text, number_text

register = template.Library()


@register.filter
def money(value: object, currency: str = "") -> str:
    """Format an amount with grouping, two decimals and the currency sign."""
    return money_text(value, currency)


@register.filter
def number(value: object) -> str:
    """A number with the language's grouping and decimal mark."""
    return number_text(value)


@register.filter
def day(value: datetime.date | str | None) -> str:
    """A calendar day in the language's short format (07.12.2026 in Russian)."""
    return day_text(value)
