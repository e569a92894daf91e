"""The business calendar page: weekly hours and dated exceptions, edited by a head."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pult.calendars import forms, services
from pult.calendars.models import Calendar, CalendarException, WorkingPeriod
from pult.calendars.permissions import MANAGE_CALENDARS
from pult.calendars.selectors import default_calendar
from pult.core.exceptions import DomainError
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.params import day_or_none
from pult.core.views import permission_required


def _calendar(request: WorkspaceRequest) -> Calendar:
    calendar = default_calendar(request.workspace)
    if calendar is None:
        raise Http404
    return calendar


def _year(request: WorkspaceRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@permission_required(MANAGE_CALENDARS)
def calendar_edit(request: WorkspaceRequest) -> HttpResponse:
    calendar = _calendar(request)
    year = _year(request)
    periods: dict[int, list[tuple[Any, Any]]] = {}
    for period in WorkingPeriod.objects.filter(
        workspace=request.workspace, calendar=calendar
    ).order_by("weekday", "start"):
        periods.setdefault(period.weekday, []).append((period.start, period.end))
    week = [
        (weekday, WEEKDAYS[weekday], forms.periods_text(periods.get(weekday, [])))
        for weekday in range(7)
    ]
    exceptions = CalendarException.objects.filter(
        workspace=request.workspace, calendar=calendar, date__year=year
    ).order_by("date")
    context = {
        "calendar": calendar,
        "year": year,
        "week": week,
        "exceptions": [(e, forms.periods_text(e.periods)) for e in exceptions],
        "exception_form": forms.ExceptionForm(),
    }
    return render(request, "calendars/calendar.html", context)


def _back(year: int) -> HttpResponse:
    return redirect(reverse("calendars:calendar") + f"?year={year}")


@require_POST
@permission_required(MANAGE_CALENDARS)
def hours_set(request: WorkspaceRequest, weekday: int) -> HttpResponse:
    form = forms.HoursForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Enter the hours as 09:00-13:00, 14:00-18:00."))
        services.calendar_period_set(
            actor=actor_of(request),
            workspace=request.workspace,
            calendar_id=_calendar(request).pk,
            weekday=weekday,
            periods=forms.parse_periods(form.cleaned_data["hours"]),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Working hours saved."))
    return _back(_year(request))


@require_POST
@permission_required(MANAGE_CALENDARS)
def exception_set(request: WorkspaceRequest) -> HttpResponse:
    form = forms.ExceptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the date, the kind of day and the hours."))
        return _back(_year(request))
    day: date = form.cleaned_data["date"]
    try:
        services.calendar_exception_set(
            actor=actor_of(request),
            workspace=request.workspace,
            calendar_id=_calendar(request).pk,
            day=day,
            kind=form.cleaned_data["kind"],
            periods=forms.parse_periods(form.cleaned_data["hours"]),
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The day is saved."))
    return _back(day.year)


@require_POST
@permission_required(MANAGE_CALENDARS)
def exception_clear(request: WorkspaceRequest, day: str) -> HttpResponse:
    parsed = day_or_none(day)
    if parsed is None:
        raise Http404
    services.calendar_exception_clear(
        actor=actor_of(request),
        workspace=request.workspace,
        calendar_id=_calendar(request).pk,
        day=parsed,
    )
    messages.success(request, _("The day follows the weekly hours again."))
    return _back(parsed.year)


@require_POST
@permission_required(MANAGE_CALENDARS)
def holidays_load(request: WorkspaceRequest) -> HttpResponse:
    year = _year(request)
    try:
        added = services.calendar_holidays_load(
            actor=actor_of(request),
            workspace=request.workspace,
            calendar_id=_calendar(request).pk,
            year=year,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Days added: %(n)d.") % {"n": added})
    return _back(year)
