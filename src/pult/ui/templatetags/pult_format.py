"""Numbers and money in the reader's locale: 1 234,50 ₽ in Russian, ₽1,234.50 in English."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils import formats, translation

register = template.Library()

SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€"}


@register.filter
def money(value: object, currency: str = "") -> str:
    """Format an amount with grouping, two decimals and the currency sign."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    code = (currency or settings.DEFAULT_CURRENCY).upper()
    number = formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(code, code)
    if translation.get_language() == "ru":
        # Russian typography: a non-breaking space before the sign.
        return f"{number}\u00a0{symbol}"
    sign = "-" if number.startswith("-") else ""
    return f"{sign}{symbol}{number.lstrip('-')}"
