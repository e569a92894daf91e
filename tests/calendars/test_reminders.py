"""Reminders: set, fired at their time (not before, once), only to their user, by e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from pult.activity.models import Event
from pult.activity.selectors import event_visible_to
from pult.calendars import reminders
from pult.calendars.models import Reminder
from pult.core.exceptions import DomainError, NotFound
from pult.notifications.models import Notification, OutboundEmail
from pult.parties.models import Client
from tests.conftest import SmtpServer
from tests.factories import make_member, make_workspace


@pytest.fixture(autouse=True)
def _urls_loaded() -> None:
    # Import the URLconf before freezing time: pydantic schemas built at import (the
    # API) cannot take freezegun's datetime class.
    reverse("calendars:agenda")


@pytest.fixture
def team(db: None) -> dict:
    workspace, admin = make_workspace()
    return {
        "workspace": workspace,
        "admin": admin,
        "anna": make_member(workspace, [], full_name="Anna Manager"),
        "boris": make_member(workspace, [], full_name="Boris Other"),
    }


def _set(team: dict, *, hours: int = 2, text: str = "Call Acme") -> Reminder:
    return reminders.reminder_set(
        actor=team["anna"],
        workspace=team["workspace"],
        user=team["anna"],
        at=timezone.now() + timedelta(hours=hours),
        text=text,
    )


def test_fires_at_its_time_not_before_and_once(team: dict) -> None:
    reminder = _set(team)
    at = reminder.at.isoformat()
    assert reminders.reminder_fire(reminder_id=reminder.pk, at_iso=at) is False
    assert not Notification.objects.exists()
    with freeze_time(reminder.at - timedelta(seconds=1)):
        reminders.reminder_fire(reminder_id=reminder.pk, at_iso=at)
    assert not Notification.objects.exists()
    with freeze_time(reminder.at + timedelta(seconds=5)):
        assert reminders.reminder_fire(reminder_id=reminder.pk, at_iso=at) is True
        assert reminders.reminder_fire(reminder_id=reminder.pk, at_iso=at) is False
    notification = Notification.objects.get()
    assert notification.recipient == team["anna"]
    assert notification.event.verb == "calendars.reminder_due"
    reminder.refresh_from_db()
    assert reminder.fired_at is not None
    assert Event.objects.filter(verb="calendars.reminder_due").count() == 1


def test_the_event_reaches_and_shows_only_to_its_user(team: dict) -> None:
    reminder = _set(team)
    with freeze_time(reminder.at + timedelta(minutes=1)):
        reminders.reminder_fire(reminder_id=reminder.pk, at_iso=reminder.at.isoformat())
    event = Event.objects.get(verb="calendars.reminder_due")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {team["anna"].pk}
    ws = team["workspace"]
    assert event_visible_to(team["anna"], ws).filter(pk=event.pk).exists()
    assert not event_visible_to(team["boris"], ws).filter(pk=event.pk).exists()
    assert not event_visible_to(team["admin"], ws).filter(pk=event.pk).exists()


def test_moved_cancelled_or_done_reminders_old_tasks_do_nothing(team: dict) -> None:
    moved = _set(team)
    old_at = moved.at
    reminders.reminder_move(
        actor=team["anna"],
        workspace=team["workspace"],
        reminder_id=moved.pk,
        at=old_at + timedelta(days=1),
    )
    cancelled, done = _set(team, text="Cancelled"), _set(team, text="Done")
    reminders.reminder_cancel(
        actor=team["anna"], workspace=team["workspace"], reminder_id=cancelled.pk
    )
    reminders.reminder_done(actor=team["anna"], workspace=team["workspace"], reminder_id=done.pk)
    with freeze_time(old_at + timedelta(hours=1)):
        assert not reminders.reminder_fire(reminder_id=moved.pk, at_iso=old_at.isoformat())
        for reminder in (cancelled, done):
            assert not reminders.reminder_fire(
                reminder_id=reminder.pk, at_iso=reminder.at.isoformat()
            )
    assert not Notification.objects.exists()
    moved.refresh_from_db()
    with freeze_time(moved.at + timedelta(minutes=1)):
        assert reminders.reminder_fire(reminder_id=moved.pk, at_iso=moved.at.isoformat())
    assert Notification.objects.count() == 1


def test_validation_and_policy(team: dict) -> None:
    ws, anna, boris = team["workspace"], team["anna"], team["boris"]
    with pytest.raises(DomainError):
        reminders.reminder_set(
            actor=anna, workspace=ws, user=anna, at=timezone.now() - timedelta(minutes=1), text="x"
        )
    with pytest.raises(DomainError):
        reminders.reminder_set(
            actor=anna, workspace=ws, user=anna, at=timezone.now() + timedelta(hours=1), text="  "
        )
    # Not for someone else without calendar rights…
    with pytest.raises(NotFound):
        reminders.reminder_set(
            actor=anna, workspace=ws, user=boris, at=timezone.now() + timedelta(hours=1), text="x"
        )
    # …unless about a client the actor manages; the admin manages calendars.
    client = Client.objects.create(workspace=ws, name="Acme", manager=anna)
    reminders.reminder_set(
        actor=anna,
        workspace=ws,
        user=boris,
        at=timezone.now() + timedelta(hours=1),
        text="x",
        target=client,
    )
    reminders.reminder_set(
        actor=team["admin"],
        workspace=ws,
        user=boris,
        at=timezone.now() + timedelta(hours=1),
        text="y",
    )
    other_ws, _admin = make_workspace()
    stranger = make_member(other_ws, [])
    with pytest.raises(DomainError):
        reminders.reminder_set(
            actor=team["admin"],
            workspace=ws,
            user=stranger,
            at=timezone.now() + timedelta(hours=1),
            text="z",
        )
    mine = _set(team)
    with pytest.raises(NotFound):
        reminders.reminder_cancel(actor=boris, workspace=ws, reminder_id=mine.pk)


def test_next_contact_keeps_one_open_reminder_per_client(team: dict) -> None:
    ws, anna, boris = team["workspace"], team["anna"], team["boris"]
    at = timezone.now() + timedelta(days=2)
    client = Client.objects.create(workspace=ws, name="Acme, Ltd", manager=anna, next_contact_at=at)
    first = reminders.reminder_for_next_contact(actor=anna, workspace=ws, client=client)
    assert first is not None and first.user == anna and first.at == at
    assert first.text == "Call the client: Acme, Ltd"
    # Unchanged: the same reminder is kept.
    assert reminders.reminder_for_next_contact(actor=anna, workspace=ws, client=client) == first
    client.next_contact_at = at + timedelta(days=1)
    client.manager = boris
    second = reminders.reminder_for_next_contact(actor=anna, workspace=ws, client=client)
    assert second is not None and second.user == boris
    first.refresh_from_db()
    assert first.cancelled_at is not None
    client.next_contact_at = None
    assert reminders.reminder_for_next_contact(actor=anna, workspace=ws, client=client) is None
    assert not Reminder.objects.filter(cancelled_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_the_task_is_scheduled_and_the_email_delivered(smtp: SmtpServer) -> None:
    workspace, _admin = make_workspace()
    anna = make_member(workspace, [], full_name="Anna Manager")
    at = timezone.now() + timedelta(hours=3)
    reminder = reminders.reminder_set(
        actor=anna, workspace=workspace, user=anna, at=at, text="Call Acme about the act"
    )
    task = DBTaskResult.objects.get(task_path__endswith="reminder_fire_task")
    assert task.run_after == at
    assert task.args_kwargs["args"] == [reminder.pk, at.isoformat()]
    call_command("worker", batch=True)  # not due yet
    assert not Notification.objects.exists()
    with freeze_time(at + timedelta(minutes=1)):
        call_command("worker", batch=True)
    assert Notification.objects.filter(recipient=anna).count() == 1
    email = OutboundEmail.objects.get(to=anna.email)
    assert email.status == OutboundEmail.Status.SENT
    assert any("Call Acme about the act" in body for body in smtp.mailbox.bodies())
