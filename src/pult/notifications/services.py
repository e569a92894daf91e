"""Notification writes: dispatch by rules, inbox state, preferences, the e-mail outbox."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pult.access.policies import has_permission
from pult.accounts.models import Department, Membership, User
from pult.core.exceptions import DomainError, NotFound
from pult.core.site import absolute_url
from pult.notifications import live, registry
from pult.notifications.models import (
    EventDispatch,
    Notification,
    NotificationPreference,
    NotificationRule,
    OutboundEmail,
)
from pult.notifications.permissions import MANAGE_RULES
from pult.notifications.texts import notification_text

if TYPE_CHECKING:
    from pult.access.models import Role
    from pult.accounts.models import Workspace
    from pult.activity.models import Event
    from pult.activity.registry import Recorded

logger = logging.getLogger(__name__)


# --- Dispatch ---------------------------------------------------------------------


def rule_matches(rule: NotificationRule, *, event: Event, target: Model | None) -> bool:
    """Whether the event meets every key of the rule's condition (none: always). The keys
    are registered by the apps whose events they test (`registry.register_condition`); a
    key no app knows any more matches nothing."""
    for key, value in (rule.condition or {}).items():
        known = registry.condition(key)
        if known is None or not known.matches(value, event, target):
            return False
    return True


def _recipients(*, event: Event, target: Model | None) -> dict[int, dict[str, str]]:
    """Who hears of the event: user id → the wording of the first rule (by id) that
    names them and has one ({} for the event's own sentence)."""
    wording: dict[int, dict[str, str]] = {}
    rules = (
        NotificationRule.objects.filter(workspace=event.workspace, verb=event.verb, is_active=True)
        .prefetch_related("users", "roles", "departments")
        .order_by("pk")
    )
    for rule in rules:
        if not rule_matches(rule, event=event, target=target):
            continue
        named = _rule_user_ids(rule, event=event, target=target)
        for user_id in named:
            if not wording.get(user_id):
                wording[user_id] = dict(rule.message or {})
    for user_id in registry.always_told_ids(event, target):
        wording.setdefault(user_id, {})
    if not wording:
        return {}
    # Only active members of this workspace ever hear of its events; never the actor.
    members = set(
        Membership.objects.filter(
            workspace=event.workspace,
            is_active=True,
            user__is_active=True,
            user_id__in=list(wording),
        ).values_list("user_id", flat=True)
    )
    members.discard(event.actor_id)
    # Nobody hears of what they may not see (an internal note, another outlet's item):
    # each recipient is checked through the same selector as their feed.
    from pult.activity.selectors import event_shown_to

    return {
        user.pk: wording[user.pk]
        for user in User.objects.filter(pk__in=members)
        if event_shown_to(user, event)
    }


def _rule_user_ids(rule: NotificationRule, *, event: Event, target: Model | None) -> set[int]:
    """Everyone a matching rule names: its people, roles, departments, the object's
    participants, and whom the apps' registered addressees find (the item's manager,
    the people named in fields)."""
    user_ids: set[int] = {u.pk for u in rule.users.all()}
    role_ids = [r.pk for r in rule.roles.all()]
    if role_ids:
        user_ids.update(
            Membership.objects.filter(workspace=event.workspace, roles__in=role_ids).values_list(
                "user_id", flat=True
            )
        )
    department_ids = [d.pk for d in rule.departments.all()]
    if department_ids:
        user_ids.update(
            Membership.objects.filter(
                workspace=event.workspace, department__in=department_ids
            ).values_list("user_id", flat=True)
        )
    if rule.participants:
        user_ids.update(registry.participant_ids(target))
    user_ids.update(registry.rule_addressee_ids(rule, event, target))
    return user_ids


# Set while history is written after the fact (the demo's data): its notifications
# reach the inbox, but nobody gets an e-mail about what "happened" months ago. A context
# variable, so it holds for this call stack only (other threads and requests send).
_emails_held: ContextVar[bool] = ContextVar("pult_emails_held", default=False)


@contextmanager
def emails_held() -> Iterator[None]:
    """Within it, notifications go to the inbox only; no e-mail is queued for them."""
    token = _emails_held.set(True)
    try:
        yield
    finally:
        _emails_held.reset(token)


def event_recorded(recorded: Recorded) -> None:
    """The bus's listener (in the recording transaction): note the event in the
    dispatch outbox and queue its dispatch for after the commit, so that a write does
    not hold its row locks while the rules are applied. History written after the fact
    (`emails_held`, the demo) is dispatched in place: it has no worker to wait for."""
    if not recorded.notify:
        return
    if _emails_held.get():
        notifications_dispatch(event=recorded.event, target=recorded.target)
        return
    EventDispatch.objects.create(event=recorded.event)
    event_id = recorded.event.pk

    def enqueue() -> None:
        from pult.notifications.tasks import event_dispatch_task

        try:
            event_dispatch_task.enqueue(event_id)
        except Exception:  # the worker's sweep dispatches it anyway
            logger.warning("could not enqueue the dispatch of event %s", event_id, exc_info=True)

    transaction.on_commit(enqueue)


def _target_of(event: Event) -> Model | None:
    if event.target_type is None or event.target_id is None:
        return None
    model = event.target_type.model_class()
    return model._default_manager.filter(pk=event.target_id).first() if model else None


def event_dispatch(*, event_id: int) -> bool:
    """Apply the rules to one recorded event, once: its outbox row is locked while the
    notifications are written and stamped in the same transaction (the task and the
    sweep may both try; one does it, and (event, recipient) is unique all the same)."""
    with transaction.atomic():
        pending = (
            EventDispatch.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event__workspace", "event__target_type")
            .filter(pk=event_id, notified_at__isnull=True)
            .first()
        )
        if pending is None:
            return False
        notifications_dispatch(event=pending.event, target=_target_of(pending.event))
        pending.notified_at = timezone.now()
        pending.save(update_fields=["notified_at"])
        return True


def events_dispatch_due(
    *, older_than: timedelta | None = timedelta(seconds=10), limit: int = 200
) -> int:
    """Dispatch the events whose task was lost (the worker's sweep): those still pending
    `older_than` after they were recorded (None: all pending), oldest first."""
    pending = EventDispatch.objects.filter(notified_at__isnull=True)
    if older_than is not None:
        pending = pending.filter(created_at__lte=timezone.now() - older_than)
    due_ids = list(pending.order_by("created_at").values_list("pk", flat=True)[:limit])
    return sum(event_dispatch(event_id=event_id) for event_id in due_ids)


def notifications_dispatch(*, event: Event, target: Model | None = None) -> list[Notification]:
    """Apply the workspace's rules to an event: inbox rows and outbox e-mails, once each."""
    recipients = _recipients(event=event, target=target)
    if not recipients:
        return []
    return notify_users(event=event, user_ids=set(recipients), wording=recipients)


def notify_users(
    *,
    event: Event,
    user_ids: set[int] | list[int],
    wording: dict[int, dict[str, str]] | None = None,
) -> list[Notification]:
    """Tell exactly these users of an event, each once: an inbox row and an outbox
    e-mail by their preferences, and the live bell; `wording` is a rule's own message
    per user. No rules and no membership or visibility check here: the caller chose the
    recipients (a reminder's own user)."""
    wording = wording or {}
    recipient_ids = set(user_ids)
    if not recipient_ids:
        return []
    preferences = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(
            workspace=event.workspace, verb=event.verb, user_id__in=recipient_ids
        )
    }
    recipients = User.objects.filter(pk__in=recipient_ids).only(
        "pk", "email", "full_name", "locale"
    )
    created = []
    for recipient in recipients:
        preference = preferences.get(recipient.pk)
        in_app = preference.in_app if preference else True
        by_email = (preference.email if preference else True) and not _emails_held.get()
        if not (in_app or by_email):
            continue
        notification, was_created = Notification.objects.get_or_create(
            event=event,
            recipient=recipient,
            defaults={
                "workspace": event.workspace,
                "in_app": in_app,
                "message": wording.get(recipient.pk) or {},
            },
        )
        if not was_created:
            continue
        created.append(notification)
        if by_email:
            _notification_email(notification, recipient)
        if in_app:
            _push_after_commit(recipient.pk, event.workspace_id)
    return created


def _notification_email(notification: Notification, recipient: User) -> None:
    with translation.override(recipient.locale or settings.LANGUAGE_CODE):
        title = notification_text(notification, recipient, quote=False)
        context = {
            "title": title,
            "text": notification_text(notification, recipient),
            "recipient": recipient,
            "workspace": notification.event.workspace,
            "inbox_url": absolute_url(reverse("notifications:inbox")),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
        }
        email_enqueue(
            workspace=notification.event.workspace,
            to=recipient.email,
            subject=f"[{notification.event.workspace.display_name}] {title}",
            body_text=render_to_string("notifications/email/notification.txt", context),
            body_html=render_to_string("notifications/email/notification.html", context),
            dedupe_key=f"notification:{notification.pk}",
        )


def unread_count(*, user_id: int, workspace_id: int) -> int:
    # Served by the partial index `inbox_unread`.
    return Notification.objects.filter(
        workspace_id=workspace_id, recipient_id=user_id, in_app=True, read_at__isnull=True
    ).count()


def _push_after_commit(user_id: int, workspace_id: int) -> None:
    def push() -> None:
        live.push_inbox_state(
            user_id=user_id,
            workspace_id=workspace_id,
            unread=unread_count(user_id=user_id, workspace_id=workspace_id),
        )

    transaction.on_commit(push)


# --- Inbox ------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, actor: User, workspace: Workspace, notification_id: int) -> None:
    """Mark one of the actor's own notifications read; others' do not exist for them."""
    updated = Notification.objects.filter(
        pk=notification_id, workspace=workspace, recipient=actor
    ).update(read_at=timezone.now())
    if not updated:
        raise NotFound(_("Notification not found."))
    _push_after_commit(actor.pk, workspace.pk)


@transaction.atomic
def notifications_mark_all_read(*, actor: User, workspace: Workspace) -> int:
    """Mark every unread notification of the actor in this workspace read."""
    count = Notification.objects.filter(
        workspace=workspace, recipient=actor, read_at__isnull=True
    ).update(read_at=timezone.now())
    _push_after_commit(actor.pk, workspace.pk)
    return count


@transaction.atomic
def preferences_save(
    *, actor: User, workspace: Workspace, choices: dict[str, tuple[bool, bool]]
) -> None:
    """Save the actor's (in-app, e-mail) choice per event kind."""
    for verb, (in_app, email) in choices.items():
        NotificationPreference.objects.update_or_create(
            user=actor,
            workspace=workspace,
            verb=verb,
            defaults={"in_app": in_app, "email": email},
        )


# --- Rules ------------------------------------------------------------------------


@transaction.atomic
def rule_save(
    *,
    actor: User,
    workspace: Workspace,
    verb: str,
    users: list[User],
    roles: list[Role],
    departments: list[Department],
    participants: bool,
    item_manager: bool = False,
    field_users: list[str] | None = None,
    condition: dict[str, Any] | None = None,
    rule: NotificationRule | None = None,
    message: dict[str, str] | None = None,
) -> NotificationRule:
    """Create or change a notification rule; every addressee must belong to the workspace
    and the condition may hold only the known keys."""
    from pult.activity.registry import verb as known_verb
    from pult.activity.services import event_record

    if not has_permission(actor, workspace, MANAGE_RULES):
        raise NotFound(_("Page not found."))
    if known_verb(verb) is None:
        raise DomainError(_("Choose an event."), field_errors={"verb": [_("Unknown event.")]})
    field_users = [key for key in field_users or [] if key]
    condition = condition_clean(condition or {})
    if not (users or roles or departments or participants or item_manager or field_users):
        raise DomainError(_("Choose at least one addressee."))
    if any(r.workspace_id != workspace.pk for r in roles) or any(
        d.workspace_id != workspace.pk for d in departments
    ):
        raise DomainError(_("Addressees must belong to this workspace."))
    member_ids = set(
        Membership.objects.filter(workspace=workspace, user__in=users).values_list(
            "user_id", flat=True
        )
    )
    if any(u.pk not in member_ids for u in users):
        raise DomainError(_("Addressees must belong to this workspace."))
    is_new = rule is None
    if rule is None:
        rule = NotificationRule(workspace=workspace)
    elif rule.workspace_id != workspace.pk:
        raise NotFound(_("Rule not found."))
    rule.verb = verb
    rule.participants = participants
    rule.item_manager = item_manager
    rule.field_users = field_users
    rule.condition = condition
    rule.message = message or {}
    rule.save()
    rule.users.set(users)
    rule.roles.set(roles)
    rule.departments.set(departments)
    event_record(
        actor=actor,
        workspace=workspace,
        verb="notifications.rule_created" if is_new else "notifications.rule_changed",
        target=rule,
        notify=False,
    )
    return rule


def condition_clean(condition: dict[str, Any]) -> dict[str, Any]:
    """A rule's condition with empty keys dropped; unknown keys or wrong values refused."""
    unknown = {key for key in condition if registry.condition(key) is None}
    if unknown:
        raise DomainError(_("Unknown condition: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    clean: dict[str, Any] = {}
    for key, value in condition.items():
        known = registry.condition(key)
        assert known is not None
        if (value := known.clean(value)) is not None:
            clean[key] = value
    return clean


@transaction.atomic
def rule_delete(*, actor: User, workspace: Workspace, rule_id: int) -> None:
    """Delete a rule of this workspace."""
    from pult.activity.services import event_record

    if not has_permission(actor, workspace, MANAGE_RULES):
        raise NotFound(_("Page not found."))
    rule = NotificationRule.objects.filter(workspace=workspace, pk=rule_id).first()
    if rule is None:
        raise NotFound(_("Rule not found."))
    event_record(
        actor=actor,
        workspace=workspace,
        verb="notifications.rule_deleted",
        payload={"verb": rule.verb},
        notify=False,
    )
    rule.delete()


# --- E-mail outbox ----------------------------------------------------------------


def email_enqueue(
    *,
    to: str,
    subject: str,
    body_text: str,
    dedupe_key: str,
    body_html: str = "",
    workspace: Workspace | None = None,
) -> OutboundEmail:
    """Queue an e-mail in the outbox (idempotent by dedupe_key); sent after commit."""
    email, created = OutboundEmail.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "workspace": workspace,
            "to": to,
            "subject": subject[:300],
            "body_text": body_text,
            "body_html": body_html,
            "next_attempt_at": timezone.now(),
        },
    )
    if created:
        _enqueue_send(email.pk)
    return email


def email_enqueue_many(*, emails: list[OutboundEmail]) -> dict[str, int]:
    """Queue many e-mails at once (a newsletter), each due at its own next_attempt_at;
    idempotent by dedupe_key. Returns dedupe_key → outbox id. No task per e-mail (a
    thousand tasks cost more than the mail): the caller schedules email_deliver for
    the ids it gets back, and the outbox sweep is the safety net."""
    for email in emails:
        email.subject = email.subject[:300]
    OutboundEmail.objects.bulk_create(emails, batch_size=500, ignore_conflicts=True)
    return dict(
        OutboundEmail.objects.filter(
            dedupe_key__in=[email.dedupe_key for email in emails]
        ).values_list("dedupe_key", "pk")
    )


def _enqueue_send(email_id: int, run_after: datetime | None = None) -> None:
    from pult.notifications.tasks import email_send_task

    def enqueue() -> None:
        try:
            task = email_send_task.using(run_after=run_after) if run_after else email_send_task
            task.enqueue(email_id)
        except Exception:  # the outbox sweep delivers it anyway
            logger.warning("could not enqueue e-mail %s", email_id, exc_info=True)

    transaction.on_commit(enqueue)


def _backoff(attempts: int) -> timedelta:
    seconds = settings.OUTBOX_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 3600))


def email_deliver(*, email_id: int, now: datetime | None = None) -> bool:
    """Send one queued e-mail if it is due. Sent at most once: the row is locked while
    sending and marked sent in the same transaction; a failure schedules a retry."""
    now = now or timezone.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if email is None:
            return False
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers={"Auto-Submitted": "auto-generated", **email.headers},
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        try:
            get_connection(fail_silently=False).send_messages([message])
        except Exception as error:
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            else:
                email.next_attempt_at = now + _backoff(email.attempts)
                _enqueue_send(email.pk, run_after=email.next_attempt_at)
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.info("e-mail %s not sent (attempt %s): %s", email.pk, email.attempts, error)
            return False
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return True


def outbox_deliver_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send every due e-mail (the worker's safety net when a task was lost)."""
    now = now or timezone.now()
    due_ids = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(email_deliver(email_id=email_id, now=now) for email_id in due_ids)
