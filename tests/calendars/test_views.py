"""The business calendar page: a head edits hours and special days; others get 403."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from pult.calendars.models import CalendarException, WorkingPeriod
from tests.conftest import login
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def test_the_head_edits_hours_and_days(client: Client, desk: Desk) -> None:
    login(client, desk.head)
    page = client.get(reverse("calendars:calendar"), {"year": "2026"})
    assert page.status_code == 200
    assert "09:00-13:00, 14:00-18:00" in page.content.decode()
    client.post(reverse("calendars:hours_set", args=[5]), {"hours": "10:00-14:00"})
    saturday = WorkingPeriod.objects.filter(workspace=desk.workspace, weekday=5)
    assert [(p.start, p.end) for p in saturday] == [(datetime.time(10), datetime.time(14))]
    client.post(
        reverse("calendars:exception_set"),
        {"date": "2026-12-30", "kind": "holiday", "note": "Corporate party"},
    )
    day = CalendarException.objects.get(workspace=desk.workspace, date="2026-12-30")
    assert day.note == "Corporate party"
    assert "Corporate party" in client.get(reverse("calendars:calendar")).content.decode()
    client.post(reverse("calendars:exception_clear", args=["2026-12-30"]))
    assert not CalendarException.objects.filter(date="2026-12-30").exists()


def test_bad_input_changes_nothing(client: Client, desk: Desk) -> None:
    login(client, desk.head)
    before = list(WorkingPeriod.objects.filter(workspace=desk.workspace).values_list("pk"))
    response = client.post(reverse("calendars:hours_set", args=[0]), {"hours": "18:00-09:00"})
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "A period must end after it starts." in follow
    assert list(WorkingPeriod.objects.filter(workspace=desk.workspace).values_list("pk")) == before
    client.post(reverse("calendars:exception_set"), {"date": "2026-12-31", "kind": "working_day"})
    assert not CalendarException.objects.filter(date="2026-12-31", kind="working_day").exists()


def test_holidays_of_a_new_year_are_added_once(client: Client, desk: Desk) -> None:
    login(client, desk.head)
    client.post(reverse("calendars:holidays_load"), {"year": "2030"})
    added = CalendarException.objects.filter(workspace=desk.workspace, date__year=2030).count()
    assert added > 10
    assert CalendarException.objects.filter(date="2030-01-01", kind="holiday").exists()
    client.post(reverse("calendars:holidays_load"), {"year": "2030"})
    assert CalendarException.objects.filter(date__year=2030).count() == added


def test_only_calendar_managers(client: Client, desk: Desk) -> None:
    login(client, desk.designer)
    assert client.get(reverse("calendars:calendar")).status_code == 403
    assert client.post(reverse("calendars:hours_set", args=[0]), {"hours": ""}).status_code == 403
