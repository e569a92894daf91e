"""The statistics filter bar: kind of work, period, brand, city. Defaults fill the gaps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pult.accounts.models import Workspace
from pult.core.forms import Form, ListedModelChoiceField
from pult.reports import selectors
from pult.reports.figures import Period, StatsFilters, default_period

MAX_DAYS = 2 * 366  # two years: the weekly chart stays readable


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class StatisticsFilterForm(Form):
    item_type = ListedModelChoiceField(
        label=_("Kind of work"),
        required=False,
        empty_label=None,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_input())
    brand = ListedModelChoiceField(
        label=_("Brand"),
        required=False,
        empty_label=_("All brands"),
    )
    city = forms.ChoiceField(label=_("City"), required=False)

    def __init__(self, data: Any, *, workspace: Workspace) -> None:
        # Always bound, so a bare URL shows the default figures: a missing filter means
        # its default (written into the fields, so the reader sees the period), a
        # wrong one an inline message.
        data = data.copy()
        default = default_period()
        for name, value in (("date_from", default.date_from), ("date_to", default.date_to)):
            if not data.get(name):
                data[name] = value.isoformat()
        super().__init__(data)
        self.item_types = cast(ListedModelChoiceField, self.fields["item_type"])
        self.item_types.set_rows(selectors.item_type_list(workspace=workspace))
        cast(ListedModelChoiceField, self.fields["brand"]).set_rows(
            selectors.brand_list(workspace=workspace)
        )
        cities = selectors.city_list(workspace=workspace)
        self.fields["city"].choices = [("", _("All cities")), *((c, c) for c in cities)]  # type: ignore[attr-defined]

    def clean_item_type(self) -> Any:
        chosen = self.cleaned_data.get("item_type")
        if chosen is None:
            chosen = self.item_types.rows[0] if self.item_types.rows else None
            if chosen is None:
                raise forms.ValidationError(_("There are no kinds of work in this workspace yet."))
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from is None or date_to is None:
            return data  # the field already says what is wrong
        if date_from > date_to:
            self.add_error("date_to", _("The end of the period comes before its start."))
        elif date_to - date_from > timedelta(days=MAX_DAYS):
            self.add_error("date_to", _("Choose a period of two years at most."))
        return data

    def filters(self) -> StatsFilters:
        """The valid filters (call after is_valid())."""
        data = self.cleaned_data
        return StatsFilters(
            item_type=data["item_type"],
            period=Period(data["date_from"], data["date_to"]),
            brand=data.get("brand"),
            city=data.get("city") or "",
        )

    def query(self) -> dict[str, str]:
        """The filters as query parameters, defaults written out (for the export links)."""
        f = self.filters()
        return {
            "item_type": str(f.item_type.pk),
            "date_from": f.period.date_from.isoformat(),
            "date_to": f.period.date_to.isoformat(),
            "brand": str(f.brand.pk) if f.brand else "",
            "city": f.city,
        }
