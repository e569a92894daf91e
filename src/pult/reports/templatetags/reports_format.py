"""Statistics in the reader's locale: shares as percentages, lead times in hours/days."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import formats, translation
from django.utils.translation import gettext as _

from pult.reports import leadtime
from pult.reports.selectors import Share

register = template.Library()


def _number(value: float, decimals: int) -> str:
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def percent(share: Share | None) -> str:
    """ "75%" in English, "75 %" in Russian; a dash when there is nothing to count."""
    if share is None or share.ratio is None:
        return "—"
    number = _number(share.ratio * 100, 0)
    if translation.get_language() == "ru":
        return f"{number}\u00a0%"
    return f"{number}%"


@register.filter
def lead_time(value: timedelta | None) -> str:
    """Hours up to two days, then days, with one decimal: "5.5 h", "3.2 days"; the
    nearest tenth, the page's resolution (`leadtime.display`, where it is defined)."""
    if value is None:
        return "—"
    number, in_days = leadtime.display(value)
    if not in_days:
        return _("%(n)s h") % {"n": _number(number, 1)}
    return _("%(n)s days") % {"n": _number(number, 1)}


@register.filter
def grouped(value: int | None) -> str:
    """A whole number with the locale's digit grouping: 1 234 / 1,234."""
    if value is None:
        return "—"
    return _number(value, 0)
