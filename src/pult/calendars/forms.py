"""Forms of the business-calendar page: hours are typed as "09:00-13:00, 14:00-18:00"."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pult.calendars.models import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH, CalendarException
from pult.core.forms import Form


def parse_periods(text: str) -> list[list[str]]:
    """ "09:00-13:00, 14:00-18:00" → [["09:00", "13:00"], ["14:00", "18:00"]]; the service
    checks the times themselves."""
    periods = []
    for part in text.replace(";", ",").split(","):
        part = part.strip().replace("–", "-").replace("—", "-")
        if part:
            start, _sep, end = part.partition("-")
            periods.append([start.strip(), end.strip()])
    return periods


def periods_text(periods: list[list[str]] | list[tuple[object, object]]) -> str:
    return ", ".join(
        f"{str(s)[:5]}-{'24:00' if str(e)[:5] == '00:00' else str(e)[:5]}" for s, e in periods
    )


class HoursForm(Form):
    hours = forms.CharField(
        label=_("Working hours"),
        required=False,
        max_length=200,
        help_text=_("For example 09:00-13:00, 14:00-18:00; empty for a day off."),
    )


class ExceptionForm(Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind of day"), choices=CalendarException.Kind.choices)
    hours = forms.CharField(
        label=_("Working hours"),
        required=False,
        max_length=200,
        help_text=_("For a working or shortened day, e.g. 09:00-17:00."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH)


class YearForm(Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class ReminderForm(Form):
    text = forms.CharField(label=_("Remind me to"), max_length=TEXT_MAX_LENGTH)
    at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
