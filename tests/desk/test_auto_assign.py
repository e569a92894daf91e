"""Automatic assignment: the least-loaded eligible specialist gets a new request."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pult.parties.models import SpecialistProfile
from pult.work.models import ItemType
from tests.conftest import login
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _enable(desk: Desk, skill_field: str = "") -> None:
    ItemType.objects.filter(workspace=desk.workspace).update(
        auto_assign=True, skill_field=skill_field
    )


def _profile(desk: Desk, user: object, **fields: object) -> None:
    SpecialistProfile.objects.create(workspace=desk.workspace, user=user, **fields)


def test_new_requests_go_to_the_least_loaded(desk: Desk) -> None:
    _enable(desk)
    # The head may take work too (work.take), but only one request at a time.
    _profile(desk, desk.head, capacity=1)
    first = desk.submit(title="One")
    assert first.status.key == "in_progress" and not first.in_queue
    owners = [first.assignees.get()]
    second = desk.submit(title="Two")
    owners.append(second.assignees.get())
    assert len({o.pk for o in owners}) == 2  # the second went to someone else


def test_absence_skills_and_capacity_are_respected(desk: Desk) -> None:
    _enable(desk, skill_field="material_type")
    today = timezone.localdate()
    _profile(desk, desk.head, capacity=1, absent_from=today - datetime.timedelta(days=1))
    _profile(desk, desk.designer, skills="menu,web", capacity=3)
    _profile(desk, desk.designer2, skills="poster", capacity=1)
    poster = desk.submit(title="Poster")  # only designer2 has the skill
    assert poster.assignees.get() == desk.designer2
    waiting = desk.submit(title="Another poster")  # designer2 is at capacity
    assert waiting.in_queue and not waiting.assignees.exists()
    menu = desk.submit(title="Menu", material_type="menu")
    assert menu.assignees.get() == desk.designer


def test_only_the_head_switches_it(client: Client, desk: Desk) -> None:
    login(client, desk.designer)
    client.post(reverse("desk:auto_assign"), {"enabled": "1"})
    assert not ItemType.objects.get(workspace=desk.workspace).auto_assign
    client.logout()
    login(client, desk.head)
    client.post(reverse("desk:auto_assign"), {"enabled": "1"})
    assert ItemType.objects.get(workspace=desk.workspace).auto_assign
    assert "Automatic assignment is on" in client.get(reverse("desk:queue")).content.decode()
