"""Reminders over the API: the caller's own, through the calendar's selectors and services.

A reminder about a client or an order is only set for one the caller sees (404 else);
someone else's reminder does not exist for the caller (404).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from pult.accounts.models import User, Workspace
from pult.api.schemas import ERRORS, WRITE_ERRORS, Day, Id, In, Moment
from pult.calendars import reminders as services
from pult.calendars import selectors
from pult.calendars.models import Reminder
from pult.core.exceptions import DomainError
from pult.core.http import actor_and_workspace

router = Router(tags=["reminders"])

DEFAULT_DAYS = 31
MAX_DAYS = 366


class TargetOut(Schema):
    type: str
    id: int
    label: str


class ReminderOut(Schema):
    id: int
    at: datetime
    text: str
    done: bool
    fired: bool
    target: TargetOut | None
    url: str


class ReminderIn(In):
    at: Moment
    text: str
    client_id: Id | None = None
    item_id: Id | None = None


def _reminder(reminder: Reminder) -> dict[str, Any]:
    target = None
    kind = reminder.target_type
    if kind is not None and reminder.target_id:
        target = {
            "type": kind.model,  # "client" or "item"
            "id": reminder.target_id,
            "label": reminder.target_label,
        }
    return {
        "id": reminder.pk,
        "at": reminder.at,
        "text": reminder.text,
        "done": reminder.done_at is not None,
        "fired": reminder.fired_at is not None,
        "target": target,
        "url": reminder.url,
    }


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@router.get("/reminders", response={200: list[ReminderOut], **ERRORS})
def reminder_list(
    request: HttpRequest, since: Day | None = None, until: Day | None = None
) -> list[dict[str, Any]]:
    """The caller's reminders from `since` to `until` (days, both included; by default
    today and the next 30 days; at most a year)."""
    user, workspace = actor_and_workspace(request)
    since = since or timezone.localdate()
    until = until or since + timedelta(days=DEFAULT_DAYS - 1)
    if until < since or (until - since).days >= MAX_DAYS:
        message = _("Choose a range of one day to a year.")
        raise DomainError(message, field_errors={"until": [message]})
    rows = selectors.reminder_list(
        actor=user,
        workspace=workspace,
        since=_start_of(since),
        until=_start_of(until + timedelta(days=1)),
    )
    return [_reminder(r) for r in rows]


def _target(user: User, workspace: Workspace, payload: ReminderIn) -> tuple[Model | None, str]:
    """The client or order the reminder is about, through their visibility selectors."""
    if payload.client_id and payload.item_id:
        message = _("A reminder is about a client or an order, not both.")
        raise DomainError(message, field_errors={"item_id": [message]})
    if payload.client_id:
        from pult.parties.client_selectors import client_get

        client = client_get(actor=user, workspace=workspace, client_id=payload.client_id)
        return client, reverse("parties:client_detail", args=[client.pk])
    if payload.item_id:
        from pult.work.selectors import item_get

        item = item_get(actor=user, workspace=workspace, item_id=payload.item_id)
        return item, reverse("work:item_detail", args=[item.pk])
    return None, ""


@router.post("/reminders", response={201: ReminderOut, **WRITE_ERRORS})
def reminder_create(request: HttpRequest, payload: ReminderIn) -> Status[Any]:
    """Remind the caller of `text` at `at` (in the future), optionally about a client
    or an order they see."""
    user, workspace = actor_and_workspace(request)
    target, url = _target(user, workspace, payload)
    reminder = services.reminder_set(
        actor=user,
        workspace=workspace,
        user=user,
        at=payload.at,
        text=payload.text,
        target=target,
        url=url,
    )
    return Status(201, _reminder(reminder))


@router.delete("/reminders/{reminder_id}", response={204: None, **WRITE_ERRORS})
def reminder_delete(request: HttpRequest, reminder_id: Id) -> Status[Any]:
    """Cancel a reminder: it leaves the agenda and never fires."""
    user, workspace = actor_and_workspace(request)
    services.reminder_cancel(actor=user, workspace=workspace, reminder_id=reminder_id)
    return Status(204, None)
