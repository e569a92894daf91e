"""The personal agenda (day, week, month), its reminders and the iCalendar feed."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pult.calendars import agenda as selectors
from pult.calendars import forms, reminders
from pult.calendars.ical import calendar_text
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.params import day_or_none
from pult.core.site import absolute_url, site_url
from pult.core.views import section_required

VIEWS = ("day", "week", "month")
_FEED_URL_KEY = "calendars_new_feed_url"
# The feed covers a month back and a year ahead.
FEED_PAST, FEED_AHEAD = timedelta(days=31), timedelta(days=366)


def _range(view: str, day: date) -> tuple[date, date, date, date]:
    """(since, until, previous, next) for the view around `day`."""
    if view == "day":
        return day, day, day - timedelta(days=1), day + timedelta(days=1)
    if view == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6), day - timedelta(days=7), day + timedelta(days=7)
    first = day.replace(day=1)
    last = first.replace(day=stdlib_calendar.monthrange(first.year, first.month)[1])
    # The month grid runs from the Monday before the 1st to the Sunday after the end.
    since = first - timedelta(days=first.weekday())
    until = last + timedelta(days=6 - last.weekday())
    return since, until, (first - timedelta(days=1)).replace(day=1), last + timedelta(days=1)


@section_required("agenda")
def agenda(request: WorkspaceRequest) -> HttpResponse:
    actor = actor_of(request)
    view = request.GET.get("view", "week")
    if view not in VIEWS:
        view = "week"
    today = timezone.localdate()
    day = day_or_none(request.GET.get("date")) or today
    since, until, previous, following = _range(view, day)
    entries = selectors.agenda_entries(
        actor=actor, workspace=request.workspace, since=since, until=until
    )
    by_day: dict[date, list[selectors.Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    days = [
        (since + timedelta(days=n), by_day.get(since + timedelta(days=n), []))
        for n in range((until - since).days + 1)
    ]
    context = {
        "view": view,
        "views": [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))],
        "day": day,
        "today": today,
        "since": since,
        "until": until,
        "previous": previous,
        "following": following,
        "days": days,
        "weeks": [days[n : n + 7] for n in range(0, len(days), 7)],
        "entry_count": len(entries),
        "form": forms.ReminderForm(),
        "has_feed": selectors.has_feed(actor=actor, workspace=request.workspace),
        # Shown once, right after it was made (the token is stored only as a hash).
        "new_feed_url": request.session.pop(_FEED_URL_KEY, ""),
        "back": request.get_full_path(),
    }
    return render(request, "calendars/agenda.html", context)


def _back(request: WorkspaceRequest) -> HttpResponse:
    back = request.POST.get("next", "")
    # Only a path of this site, never an address elsewhere.
    if back.startswith("/") and not back.startswith("//") and not urlsplit(back).netloc:
        return redirect(back)
    return redirect("calendars:agenda")


@require_POST
@section_required("agenda")
def reminder_add(request: WorkspaceRequest) -> HttpResponse:
    form = forms.ReminderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the text and a date and time."))
        return _back(request)
    actor = actor_of(request)
    try:
        reminders.reminder_set(
            actor=actor,
            workspace=request.workspace,
            user=actor,
            at=form.cleaned_data["at"],
            text=form.cleaned_data["text"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reminder set."))
    return _back(request)


@require_POST
@section_required("agenda")
def reminder_done(request: WorkspaceRequest, reminder_id: int) -> HttpResponse:
    try:
        reminders.reminder_done(
            actor=actor_of(request), workspace=request.workspace, reminder_id=reminder_id
        )
    except NotFound as error:
        raise Http404 from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reminder done."))
    return _back(request)


@require_POST
@section_required("agenda")
def reminder_cancel(request: WorkspaceRequest, reminder_id: int) -> HttpResponse:
    try:
        reminders.reminder_cancel(
            actor=actor_of(request), workspace=request.workspace, reminder_id=reminder_id
        )
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("Reminder cancelled."))
    return _back(request)


@require_POST
@section_required("agenda")
def feed_regenerate(request: WorkspaceRequest) -> HttpResponse:
    token = reminders.calendar_feed_regenerate(actor=actor_of(request), workspace=request.workspace)
    request.session[_FEED_URL_KEY] = absolute_url(reverse("calendars:feed", args=[token]))
    messages.success(request, _("A new calendar address is made; the old one no longer works."))
    return redirect("calendars:agenda")


@require_POST
@section_required("agenda")
def feed_revoke(request: WorkspaceRequest) -> HttpResponse:
    reminders.calendar_feed_revoke(actor=actor_of(request), workspace=request.workspace)
    messages.success(request, _("The calendar address is turned off."))
    return redirect("calendars:agenda")


@never_cache
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed: no login, the secret token in the address is the key."""
    owner = selectors.feed_owner(token)
    if owner is None:
        raise Http404
    user, workspace = owner
    now = timezone.now()
    today = now.date()
    entries = selectors.agenda_entries(
        actor=user, workspace=workspace, since=today - FEED_PAST, until=today + FEED_AHEAD
    )
    text = calendar_text(
        entries,
        name=f"{workspace.name}: {user.full_name}",
        domain=urlsplit(site_url()).hostname or "pult",
        base_url=site_url(),
        now=now,
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response
