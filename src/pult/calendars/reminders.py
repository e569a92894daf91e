"""Reminder and calendar-feed writes. A reminder is a row on its user's agenda and a
timed task: at `at` the task puts it in the user's inbox and e-mail, once.

Each scheduled task carries the `at` it was made for and re-reads the reminder when it
runs: a reminder that was cancelled, done or moved meanwhile makes it do nothing (the
moved one has a task of its own), so no task ever has to be found and dequeued.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pult.accounts.models import Membership, User, Workspace
from pult.activity.services import event_record
from pult.calendars import policies
from pult.calendars.models import TEXT_MAX_LENGTH, CalendarFeed, Reminder
from pult.core.exceptions import DomainError, NotFound
from pult.core.locking import locked

if TYPE_CHECKING:
    from pult.parties.models import Client

logger = logging.getLogger(__name__)


def _is_active_member(workspace: Workspace, user: User) -> bool:
    return Membership.objects.filter(
        workspace=workspace, user=user, is_active=True, user__is_active=True
    ).exists()


def _clean_at(at: datetime) -> datetime:
    if not isinstance(at, datetime) or timezone.is_naive(at):
        message = _("Enter a date and a time.")
        raise DomainError(message, field_errors={"at": [message]})
    if at <= timezone.now():
        message = _("Choose a time in the future.")
        raise DomainError(message, field_errors={"at": [message]})
    return at


def _clean_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        message = _("Enter what to remind of.")
        raise DomainError(message, field_errors={"text": [message]})
    if len(text) > TEXT_MAX_LENGTH:
        message = _("Keep the text to %(count)d characters or fewer.") % {"count": TEXT_MAX_LENGTH}
        raise DomainError(message, field_errors={"text": [message]})
    return text


def _schedule(reminder: Reminder) -> None:
    """After commit, enqueue the task that fires the reminder at its time."""
    from pult.calendars.tasks import reminder_fire_task

    reminder_id, at = reminder.pk, reminder.at

    def enqueue() -> None:
        try:
            reminder_fire_task.using(run_after=at).enqueue(reminder_id, at.isoformat())
        except Exception:  # it still shows on the agenda and in the feed
            logger.warning("could not schedule reminder %s", reminder_id, exc_info=True)

    transaction.on_commit(enqueue)


def _reminder_to_change(*, actor: User, workspace: Workspace, reminder_id: int) -> Reminder:
    """The reminder, locked; NotFound for one the actor may not change."""
    not_found = _("Reminder not found.")
    reminder = locked(
        Reminder.objects.filter(workspace=workspace), reminder_id, not_found=not_found
    )
    if not policies.can_change_reminder(actor, workspace, reminder):
        raise NotFound(not_found)
    return reminder


@transaction.atomic
def reminder_set(
    *,
    actor: User,
    workspace: Workspace,
    user: User,
    at: datetime,
    text: str,
    target: Model | None = None,
    url: str = "",
) -> Reminder:
    """Remind an active member of `text` at `at` (in the future); see
    `policies.can_set_reminder` for who may remind whom."""
    if not policies.can_set_reminder(actor, workspace, user, target):
        raise NotFound(_("Page not found."))
    if not _is_active_member(workspace, user):
        raise DomainError(_("Only an active member of the workspace can be reminded."))
    reminder = Reminder.objects.create(
        workspace=workspace,
        user=user,
        at=_clean_at(at),
        text=_clean_text(text),
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        target_label=str(target)[:300] if target is not None else "",
        url=url[:500],
        created_by=actor,
    )
    _schedule(reminder)
    return reminder


@transaction.atomic
def reminder_move(*, actor: User, workspace: Workspace, reminder_id: int, at: datetime) -> Reminder:
    """Move an open reminder to a new time; it fires then (again, if it had fired)."""
    reminder = _reminder_to_change(actor=actor, workspace=workspace, reminder_id=reminder_id)
    if not reminder.is_open:
        raise DomainError(_("This reminder is already closed."))
    reminder.at = _clean_at(at)
    reminder.fired_at = None
    reminder.save(update_fields=["at", "fired_at", "updated_at"])
    _schedule(reminder)
    return reminder


@transaction.atomic
def reminder_done(*, actor: User, workspace: Workspace, reminder_id: int) -> Reminder:
    """Mark a reminder done (a no-op if it already is); a pending one no longer fires."""
    reminder = _reminder_to_change(actor=actor, workspace=workspace, reminder_id=reminder_id)
    if reminder.cancelled_at is not None:
        raise DomainError(_("This reminder was cancelled."))
    if reminder.done_at is None:
        reminder.done_at = timezone.now()
        reminder.save(update_fields=["done_at", "updated_at"])
    return reminder


@transaction.atomic
def reminder_cancel(*, actor: User, workspace: Workspace, reminder_id: int) -> None:
    """Cancel a reminder: it leaves the agenda and the feed and never fires."""
    reminder = _reminder_to_change(actor=actor, workspace=workspace, reminder_id=reminder_id)
    if reminder.cancelled_at is None:
        reminder.cancelled_at = timezone.now()
        reminder.save(update_fields=["cancelled_at", "updated_at"])


def _client_url(client: Client) -> str:
    try:
        return reverse("parties:client_detail", args=[client.pk])
    except NoReverseMatch:  # the clients pages are not there yet
        return ""


@transaction.atomic
def reminder_for_next_contact(
    *, actor: User, workspace: Workspace, client: Client
) -> Reminder | None:
    """Keep ONE open "Call the client" reminder per client: for its manager at its
    next-contact time. Replaces the previous open one; none when the client has no
    manager, no next contact in the future, or is archived.

    Called by the clients services after they checked that the actor may edit the
    client, so there is no policy check of its own.
    """
    from pult.parties.models import Client

    if client.workspace_id != workspace.pk:
        raise NotFound(_("Page not found."))
    client_type = ContentType.objects.get_for_model(Client)
    previous = list(
        Reminder.objects.select_for_update().filter(
            workspace=workspace,
            target_type=client_type,
            target_id=client.pk,
            done_at__isnull=True,
            cancelled_at__isnull=True,
        )
    )
    manager = client.manager
    at = client.next_contact_at
    wanted = (
        manager is not None
        and at is not None
        and at > timezone.now()
        and client.archived_at is None
        and _is_active_member(workspace, manager)
    )
    keep = next(
        (r for r in previous if wanted and r.user_id == client.manager_id and r.at == at), None
    )
    now = timezone.now()
    Reminder.objects.filter(pk__in=[r.pk for r in previous if r is not keep]).update(
        cancelled_at=now, updated_at=now
    )
    if keep is not None or not wanted:
        return keep
    assert manager is not None and at is not None
    # Written in both languages, shown in the reader's (they may switch).
    words = {}
    for language in ("en", "ru"):
        with translation.override(language):
            words[language] = (_("Call the client: %(name)s") % {"name": client.name})[
                :TEXT_MAX_LENGTH
            ]
    reminder = Reminder.objects.create(
        workspace=workspace,
        user=manager,
        at=at,
        text=words.get((manager.locale or settings.LANGUAGE_CODE)[:2], words["en"]),
        words=words,
        target_type=client_type,
        target_id=client.pk,
        target_label=str(client)[:300],
        url=_client_url(client),
        created_by=actor if actor.is_authenticated else None,
    )
    _schedule(reminder)
    return reminder


@transaction.atomic
def reminder_fire(*, reminder_id: int, at_iso: str) -> bool:
    """At its time, put the reminder in its user's inbox and e-mail, once. Does nothing
    (False) for a reminder gone, closed, moved, already fired or not yet due."""
    from pult.notifications.services import notify_users

    reminder = (
        Reminder.objects.select_for_update()
        .select_related("workspace", "user")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or not reminder.is_open or reminder.fired_at is not None:
        return False
    if reminder.at.isoformat() != at_iso:
        return False  # moved; the task made for the new time decides
    now = timezone.now()
    if now < reminder.at:
        return False
    reminder.fired_at = now
    reminder.save(update_fields=["fired_at", "updated_at"])
    if not _is_active_member(reminder.workspace, reminder.user):
        return False
    event = event_record(
        actor=None,
        workspace=reminder.workspace,
        verb="calendars.reminder_due",
        target=reminder,
        payload={
            "text": reminder.words or reminder.text,  # read in the reader's language
            "at": reminder.at.isoformat(),
            "url": reminder.url,
        },
        # Not through the rules: a reminder is for its user alone.
        notify=False,
    )
    notify_users(event=event, user_ids=[reminder.user_id])
    return True


# --- Calendar feed -------------------------------------------------------------------


def feed_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def calendar_feed_regenerate(*, actor: User, workspace: Workspace) -> str:
    """Give the actor a new secret feed token (the old address stops working); returns
    the token, which is not stored and cannot be shown again."""
    raw = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        workspace=workspace, user=actor, defaults={"token_hash": feed_token_hash(raw)}
    )
    return raw


@transaction.atomic
def calendar_feed_revoke(*, actor: User, workspace: Workspace) -> None:
    """Turn the actor's feed address off."""
    CalendarFeed.objects.filter(workspace=workspace, user=actor).delete()
