"""The personal agenda page and its iCalendar feed."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pult.access.models import Role, RolePermission
from pult.access.policies import forget_permissions
from pult.calendars import reminders
from pult.calendars.agenda import agenda_entries
from pult.calendars.ical import fold
from pult.calendars.models import Reminder
from pult.desk import services as desk_services
from pult.parties.models import Client as Company
from pult.parties.models import Contract
from pult.parties.permissions import VIEW_CLIENTS
from tests.conftest import login
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _remind(desk: Desk, user, text: str, days: int = 1) -> Reminder:  # type: ignore[no-untyped-def]
    return reminders.reminder_set(
        actor=user,
        workspace=desk.workspace,
        user=user,
        at=timezone.now() + timedelta(days=days),
        text=text,
    )


def _grant_clients(desk: Desk, user) -> None:  # type: ignore[no-untyped-def]
    role = Role.objects.create(workspace=desk.workspace, name="Client managers")
    RolePermission.objects.create(role=role, code=VIEW_CLIENTS)
    user.memberships.get(workspace=desk.workspace).roles.add(role)
    forget_permissions(user)


def _contract(desk: Desk, manager, number: str, until: date) -> Contract:  # type: ignore[no-untyped-def]
    company = Company.objects.create(workspace=desk.workspace, name=f"Co {number}", manager=manager)
    return Contract.objects.create(
        workspace=desk.workspace, client=company, number=number, valid_until=until
    )


def _taken_item(desk: Desk, title: str):  # type: ignore[no-untyped-def]
    item = desk.submit(title=title)
    desk_services.work_item_take_next(
        actor=desk.designer, workspace=desk.workspace, item_type_key="design-request"
    )
    item.refresh_from_db()
    return item


def test_agenda_shows_mine_in_range_and_not_others(client: Client, desk: Desk) -> None:
    item = _taken_item(desk, "Autumn poster")
    assert item.due_at is not None
    _remind(desk, desk.designer, "Phone the printer")
    _remind(desk, desk.designer2, "Secret of designer two")
    _remind(desk, desk.designer, "Far away", days=90)
    today = timezone.localdate()
    _grant_clients(desk, desk.designer)
    _contract(desk, desk.designer, "C-1", today + timedelta(days=2))
    _contract(desk, desk.designer2, "C-OTHER", today + timedelta(days=2))
    login(client, desk.designer)
    page = client.get(reverse("calendars:agenda"), {"view": "month", "date": today.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Phone the printer" in html
    if item.due_at.date() <= today + timedelta(days=20):
        assert "Autumn poster" in html
    assert "C-1" in html
    assert "Secret of designer two" not in html
    assert "C-OTHER" not in html
    assert "Far away" not in html
    # designer2 neither works on the item nor sees the designer's reminder.
    client.logout()
    login(client, desk.designer2)
    html = client.get(reverse("calendars:agenda"), {"view": "month"}).content.decode()
    assert "Autumn poster" not in html
    assert "Phone the printer" not in html
    assert "Secret of designer two" in html


def test_contracts_need_the_clients_permission(desk: Desk) -> None:
    today = timezone.localdate()
    _contract(desk, desk.designer, "C-9", today)
    entries = agenda_entries(
        actor=desk.designer, workspace=desk.workspace, since=today, until=today
    )
    assert [e for e in entries if e.kind == "contract"] == []
    _grant_clients(desk, desk.designer)
    entries = agenda_entries(
        actor=desk.designer, workspace=desk.workspace, since=today, until=today
    )
    assert [e.title for e in entries if e.kind == "contract"] == ["C-9 · Co C-9"]


def test_agenda_query_count_is_flat(client: Client, desk: Desk) -> None:
    _grant_clients(desk, desk.designer)
    today = timezone.localdate()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            agenda_entries(
                actor=desk.designer,
                workspace=desk.workspace,
                since=today,
                until=today + timedelta(days=60),
            )
        return len(queries)

    _taken_item(desk, "One")
    _remind(desk, desk.designer, "one")
    _contract(desk, desk.designer, "Q-1", today + timedelta(days=3))
    forget_permissions(desk.designer)
    few = count()
    for n in range(4):
        _taken_item(desk, f"More {n}")
        _remind(desk, desk.designer, f"more {n}")
        _contract(desk, desk.designer, f"Q-{n + 2}", today + timedelta(days=4 + n))
    forget_permissions(desk.designer)
    assert count() == few


def test_add_done_cancel_through_the_page(client: Client, desk: Desk) -> None:
    login(client, desk.applicant)
    at = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("calendars:reminder_add"), {"text": "Order flyers", "at": at})
    reminder = Reminder.objects.get(user=desk.applicant)
    client.post(reverse("calendars:reminder_done", args=[reminder.pk]))
    reminder.refresh_from_db()
    assert reminder.done_at is not None
    client.post(reverse("calendars:reminder_cancel", args=[reminder.pk]))
    reminder.refresh_from_db()
    assert reminder.cancelled_at is not None
    # Someone else's reminder does not exist for them.
    other = _remind(desk, desk.designer, "Not yours")
    response = client.post(reverse("calendars:reminder_cancel", args=[other.pk]))
    assert response.status_code == 404


def test_fold_splits_at_75_octets_without_breaking_characters() -> None:
    line = "SUMMARY:" + "Позвонить клиенту " * 10
    folded = fold(line).split("\r\n")
    assert len(folded) > 1
    assert all(len(part.encode()) <= 75 for part in folded)
    assert "".join(p[1:] if i else p for i, p in enumerate(folded)) == line


def test_ical_feed(client: Client, desk: Desk) -> None:
    item = _taken_item(desk, "Poster")
    _remind(desk, desk.designer, "Call Acme, Ltd; ask about the act " + "x" * 80)
    _remind(desk, desk.designer2, "Private")
    login(client, desk.designer)
    client.post(reverse("calendars:feed_regenerate"))
    page = client.get(reverse("calendars:agenda")).content.decode()
    start = page.index("/agenda/feed/")
    path = page[start : page.index(".ics", start) + 4]
    # Shown once only.
    assert ".ics" not in client.get(reverse("calendars:agenda")).content.decode()
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    unfolded = body.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:Call Acme\\, Ltd\\; ask about the act" in unfolded
    assert f"UID:item-{item.pk}@" in unfolded
    assert "Private" not in unfolded
    assert item.due_at is not None
    assert f"DTSTART:{item.due_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in unfolded
    assert client.get(reverse("calendars:feed", args=["not-a-token"])).status_code == 404
    # A new address turns the old one off.
    login(client, desk.designer)
    client.post(reverse("calendars:feed_revoke"))
    assert client.get(path).status_code == 404


def test_an_app_puts_its_entries_on_the_agenda_through_a_source(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pult.calendars import agenda
    from pult.calendars.agenda import Entry

    assert {"work.due_items", "parties.expiring_contracts"} <= set(agenda.agenda_sources())
    today = timezone.localdate()
    asked: list[tuple[object, object, date, date]] = []

    def sample(actor: object, workspace: object, since: date, until: date) -> list[Entry]:
        asked.append((actor, workspace, since, until))
        return [Entry(kind="sample", uid="sample-1", title="Sample", url="", at=None, day=since)]

    monkeypatch.setitem(agenda._SOURCES, "tests.sample", sample)
    entries = agenda_entries(
        actor=desk.designer, workspace=desk.workspace, since=today, until=today
    )
    assert asked == [(desk.designer, desk.workspace, today, today)]
    assert [e.title for e in entries if e.kind == "sample"] == ["Sample"]
