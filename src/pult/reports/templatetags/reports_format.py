"""Statistics in the reader's locale: shares as percentages, lead times in hours/days."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats, numberformat, translation
from django.utils.translation import gettext as _

from pult.reports import leadtime
from pult.reports.figures import Share, SpecialistRow

register = template.Library()


@dataclass(frozen=True)
class _Figures:
    """The current language's way of writing figures, looked up once for many of them:
    every lookup asks for the active language, which costs more than the formatting."""

    decimal_separator: str
    grouping: int | Sequence[int]
    thousand_separator: str
    percent_sign: str
    hours: str
    days: str

    @classmethod
    def current(cls) -> _Figures:
        lang = translation.get_language()
        return cls(
            decimal_separator=str(formats.get_format("DECIMAL_SEPARATOR", lang)),
            grouping=formats.get_format("NUMBER_GROUPING", lang),
            thousand_separator=str(formats.get_format("THOUSAND_SEPARATOR", lang)),
            percent_sign="\u00a0%" if lang == "ru" else "%",  # "75 %" in Russian
            hours=_("%(n)s h"),
            days=_("%(n)s days"),
        )

    def number(self, value: float, decimals: int) -> str:
        # Rounded half up first: Django's formatting cuts the digits it does not show
        # (two thirds would read "66%").
        rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
        return numberformat.format(
            rounded,
            self.decimal_separator,
            decimals,
            self.grouping,
            self.thousand_separator,
            force_grouping=True,
            use_l10n=True,
        )

    def grouped(self, value: int | None) -> str:
        return "—" if value is None else self.number(value, 0)

    def percent(self, share: Share | None) -> str:
        if share is None or share.ratio is None:
            return "—"
        return self.number(share.ratio * 100, 0) + self.percent_sign

    def lead_time(self, value: timedelta | None) -> str:
        if value is None:
            return "—"
        number, in_days = leadtime.display(value)
        return (self.days if in_days else self.hours) % {"n": self.number(number, 1)}


@register.filter
def percent(share: Share | None) -> str:
    """ "75%" in English, "75 %" in Russian; a dash when there is nothing to count."""
    return _Figures.current().percent(share)


@register.filter
def lead_time(value: timedelta | None) -> str:
    """Hours up to two days, then days, with one decimal: "5.5 h", "3.2 days"; the
    nearest tenth, the page's resolution (`leadtime.display`, where it is defined)."""
    return _Figures.current().lead_time(value)


@register.filter
def grouped(value: int | None) -> str:
    """A whole number with the locale's digit grouping: 1 234 / 1,234."""
    return _Figures.current().grouped(value)


@register.filter
def specialist_figures(rows: Iterable[SpecialistRow]) -> list[dict[str, str]]:
    """The specialists' rows written out as the filters above write each figure, the
    language looked up once: a few hundred rows, each a filter chain per cell, were
    most of the page's rendering time. Dicts: the template reads them at the first try."""
    f = _Figures.current()
    return [
        {
            "user_id": str(r.user_id),
            "name": r.name,
            "done": f.grouped(r.done),
            "open_now": f.grouped(r.open_now),
            "median_lead": f.lead_time(r.median_lead),
            "overdue": f.percent(r.overdue),
            "overdue_part": f.grouped(r.overdue.part),
        }
        for r in rows
    ]
