"""Amounts and dates as the reader's language writes them, the one way every page shows
them: 1 290 000,00 ₽ and 07.12.2026 in Russian, ₽1,290,000.00 and 12/07/2026 in English.

Exports (CSV, XLSX) and the API keep plain values (1290000.00, 2026-12-07) for machines.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import formats, timezone, translation

SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€"}


def _decimal(value: object) -> Decimal | None:
    try:
        number = Decimal(str(value).replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def money_text(value: object, currency: str = "") -> str:
    """An amount with grouping, two decimals and the currency sign ("" for none)."""
    if value is None or value == "":
        return ""
    amount = _decimal(value)
    if amount is None:
        return str(value)
    code = (currency or settings.DEFAULT_CURRENCY).upper()
    number = formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(code, code)
    if translation.get_language() == "ru":
        # Russian typography: a non-breaking space before the sign.
        return f"{number}\u00a0{symbol}"
    sign = "-" if number.startswith("-") else ""
    return f"{sign}{symbol}{number.lstrip('-')}"


def number_text(value: object) -> str:
    """A number with the language's grouping and decimal mark, its decimals kept."""
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)
    return formats.number_format(number, use_l10n=True, force_grouping=True)


def day_text(value: datetime.date | str | None) -> str:
    """A calendar day (a date or its ISO text) in the language's short date format."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    elif isinstance(value, datetime.datetime):
        day = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    else:
        day = value
    return formats.date_format(day, "SHORT_DATE_FORMAT")
