"""Newsletter writes: segments, newsletters, sending through the e-mail outbox, and the
unsubscribe that later sends honour."""

from __future__ import annotations

import logging
import math
import string
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pult.access.policies import has_permission
from pult.core.exceptions import DomainError, NotFound
from pult.core.site import absolute_url
from pult.newsletters import selectors
from pult.newsletters.models import Delivery, Newsletter, Segment
from pult.newsletters.permissions import SEND
from pult.notifications.models import OutboundEmail
from pult.notifications.services import email_deliver, email_enqueue_many
from pult.parties.client_services import split_list
from pult.parties.models import ClientStatus, ContactPerson

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "newsletters.unsubscribe"
PLACEHOLDERS = ("company", "contact_name", "manager_name", "unsubscribe_url")
RATE_MAX = 10_000


def _require_sender(actor: User, workspace: Workspace) -> None:
    # Newsletters do not exist for anyone who may not send them (404, not 403).
    if not has_permission(actor, workspace, SEND):
        raise NotFound(_("Page not found."))


# --- Templates --------------------------------------------------------------------


def template_errors(text: str) -> list[str]:
    """Why a subject or body cannot be a template ([] when it can). Only bare known
    names are allowed: no attribute or index access, conversions or format specs, so
    rendering never reaches anything but the strings we pass in."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return [_("Unbalanced braces: write {{ and }} for literal braces.")]
    unknown: list[str] = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            if name not in unknown:
                unknown.append(name)
        elif spec or conversion:
            return [_("Write placeholders without formatting, e.g. {company}.")]
    if unknown:
        return [
            _("Unknown placeholders: %(names)s. Available: %(known)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            }
        ]
    return []


class _Values(dict[str, str]):
    """format_map's mapping: a missing name renders empty instead of raising."""

    def __missing__(self, key: str) -> str:
        return ""


def render(text: str, values: dict[str, str]) -> str:
    """Fill a validated template. str.format_map on plain strings, never eval; the
    validation above has already refused attribute and index access."""
    if template_errors(text):
        raise DomainError(_("The template has errors."))
    return text.format_map(_Values(values))


def unsubscribe_token(contact: ContactPerson) -> str:
    # No timestamp: the same contact always gets the same link, and it never expires.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(contact.pk)


def unsubscribe_url(contact: ContactPerson) -> str:
    return absolute_url(
        reverse("newsletters:unsubscribe", kwargs={"token": unsubscribe_token(contact)})
    )


def unsubscribe_headers(contact: ContactPerson) -> dict[str, str]:
    """Mail clients show their own "Unsubscribe" button from these and, with the second
    header, unsubscribe with one POST to the same link (RFC 2369, RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(contact)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def placeholder_values(contact: ContactPerson) -> dict[str, str]:
    manager = contact.client.manager
    return {
        "company": contact.client.name,
        "contact_name": contact.full_name,
        "manager_name": (manager.full_name or manager.email) if manager else "",
        "unsubscribe_url": unsubscribe_url(contact),
    }


def newsletter_preview(*, newsletter: Newsletter, contact: ContactPerson) -> dict[str, str]:
    """The subject and text this contact would receive."""
    values = placeholder_values(contact)
    return {
        "subject": " ".join(render(newsletter.subject, values).split()),
        "body": render(newsletter.body, values),
    }


# --- Segments ---------------------------------------------------------------------


def clean_filters(raw: dict[str, Any]) -> dict[str, Any]:
    """The stored shape of segment filters: only the known keys, empties dropped."""
    filters: dict[str, Any] = {}
    status = str(raw.get("status") or "").strip()
    if status:
        if status not in ClientStatus.values:
            raise DomainError(
                _("Unknown client status."), field_errors={"status": [_("Unknown client status.")]}
            )
        filters["status"] = status
    for key in ("industry", "source"):
        value = " ".join(str(raw.get(key) or "").split())[:200]
        if value:
            filters[key] = value
    manager_id = raw.get("manager_id")
    if manager_id:
        filters["manager_id"] = int(manager_id)
    tags = raw.get("tags") or []
    if isinstance(tags, str):
        tags = split_list(tags)
    tags = [t[:100] for t in tags if t][:20]
    if tags:
        filters["tags"] = tags
    return filters


@transaction.atomic
def segment_save(
    *,
    actor: User,
    workspace: Workspace,
    name: str,
    filters: dict[str, Any],
    segment: Segment | None = None,
) -> Segment:
    """Create or change a segment of this workspace; names are unique in it."""
    _require_sender(actor, workspace)
    name = " ".join(name.split())[:200]
    if not name:
        raise DomainError(_("Name the segment."), field_errors={"name": [_("Name the segment.")]})
    if segment is None:
        segment = Segment(workspace=workspace)
    elif segment.workspace_id != workspace.pk:
        raise NotFound(_("Segment not found."))
    clash = Segment.objects.filter(workspace=workspace, name__iexact=name).exclude(pk=segment.pk)
    if clash.exists():
        message = _("A segment with this name already exists.")
        raise DomainError(message, field_errors={"name": [message]})
    segment.name = name
    segment.filters = clean_filters(filters)
    segment.save()
    return segment


# --- Newsletters ------------------------------------------------------------------


@transaction.atomic
def newsletter_save(
    *,
    actor: User,
    workspace: Workspace,
    segment: Segment,
    subject: str,
    body: str,
    rate_per_minute: int,
    newsletter: Newsletter | None = None,
) -> Newsletter:
    """Create or change a draft; its subject and text must be valid templates."""
    _require_sender(actor, workspace)
    if segment.workspace_id != workspace.pk:
        raise NotFound(_("Segment not found."))
    subject = " ".join(subject.split())
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = [_("Write a subject.")]
    elif subject_errors := template_errors(subject):
        errors["subject"] = subject_errors
    if not body.strip():
        errors["body"] = [_("Write the text.")]
    elif body_errors := template_errors(body):
        errors["body"] = body_errors
    if not 1 <= rate_per_minute <= RATE_MAX:
        errors["rate_per_minute"] = [_("From 1 to %(max)s e-mails per minute.") % {"max": RATE_MAX}]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], field_errors=errors)
    if newsletter is None:
        newsletter = Newsletter(workspace=workspace, created_by=actor)
    else:
        newsletter = (
            Newsletter.objects.select_for_update()
            .filter(workspace=workspace, pk=newsletter.pk)
            .first()
        )
        if newsletter is None:
            raise NotFound(_("Newsletter not found."))
        if newsletter.status != Newsletter.Status.DRAFT:
            raise DomainError(_("A newsletter that was sent cannot be changed."))
    newsletter.segment = segment
    newsletter.subject = subject[:250]
    newsletter.body = body
    newsletter.rate_per_minute = rate_per_minute
    newsletter.save()
    return newsletter


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


@transaction.atomic
def newsletter_send(
    *, actor: User, workspace: Workspace, newsletter_id: int, now: datetime | None = None
) -> Newsletter:
    """Send a draft once: a delivery row per address of the segment's subscribed contacts
    (unsubscribed ones recorded as skipped), each queued in the outbox in this same
    transaction, spread at the newsletter's rate. A second call is refused."""
    _require_sender(actor, workspace)
    newsletter = (
        Newsletter.objects.select_for_update()
        .filter(workspace=workspace, pk=newsletter_id)
        .select_related("segment")
        .first()
    )
    if newsletter is None:
        raise NotFound(_("Newsletter not found."))
    if newsletter.status != Newsletter.Status.DRAFT:
        raise DomainError(_("This newsletter has already been sent."))
    start = now or timezone.now()
    deliveries: list[Delivery] = []
    contacts: dict[int, ContactPerson] = {}
    seen: set[str] = set()
    for contact in selectors.segment_contacts(newsletter.segment).order_by("client_id", "pk"):
        for email in split_list(contact.emails):
            # One copy per address, even when two contacts share it.
            if email.lower() in seen:
                continue
            seen.add(email.lower())
            delivery = Delivery(newsletter=newsletter, contact=contact, email=email[:254])
            if contact.unsubscribed_at is not None:
                delivery.status = Delivery.Status.SKIPPED_UNSUBSCRIBED
            elif not _is_email(email):
                delivery.status = Delivery.Status.FAILED
                delivery.error = _("Not a valid e-mail address.")
            contacts[contact.pk] = contact
            deliveries.append(delivery)
    Delivery.objects.bulk_create(deliveries, batch_size=500)
    queued = [d for d in deliveries if d.status == Delivery.Status.QUEUED]
    emails = []
    for i, delivery in enumerate(queued):
        text = newsletter_preview(newsletter=newsletter, contact=contacts[delivery.contact_id])
        emails.append(
            OutboundEmail(
                workspace=workspace,
                dedupe_key=f"newsletter-delivery:{delivery.pk}",
                to=delivery.email,
                subject=text["subject"],
                body_text=text["body"],
                headers=unsubscribe_headers(contacts[delivery.contact_id]),
                next_attempt_at=start + timedelta(minutes=i / newsletter.rate_per_minute),
            )
        )
    outbox_ids = email_enqueue_many(emails=emails)
    for delivery in queued:
        delivery.outbound_email_id = outbox_ids[f"newsletter-delivery:{delivery.pk}"]
    Delivery.objects.bulk_update(queued, ["outbound_email"], batch_size=500)
    newsletter.status = Newsletter.Status.SENDING if queued else Newsletter.Status.SENT
    newsletter.sending_started_at = start
    newsletter.sent_at = None if queued else start
    newsletter.save(update_fields=["status", "sending_started_at", "sent_at"])
    # One delivery task per minute of the spread, not one per e-mail.
    minutes = math.ceil(len(queued) / newsletter.rate_per_minute)
    for minute in range(minutes):
        _schedule_delivery(newsletter.pk, run_after=start + timedelta(minutes=minute))
    return newsletter


def _schedule_delivery(newsletter_id: int, *, run_after: datetime) -> None:
    from pult.newsletters.tasks import newsletter_deliver_task

    def enqueue() -> None:
        try:
            newsletter_deliver_task.using(run_after=run_after).enqueue(newsletter_id)
        except Exception:  # the outbox sweep delivers them anyway
            logger.warning("could not schedule newsletter %s", newsletter_id, exc_info=True)

    transaction.on_commit(enqueue)


def newsletter_deliver_due(*, newsletter_id: int, now: datetime | None = None) -> int:
    """Send this newsletter's e-mails that are due now, then bring the delivery rows up
    to date. Each e-mail goes at most once: the outbox locks its row while sending and
    retries a failure with back-off on its own."""
    now = now or timezone.now()
    due = (
        Delivery.objects.filter(
            newsletter_id=newsletter_id,
            status=Delivery.Status.QUEUED,
            outbound_email__status=OutboundEmail.Status.PENDING,
            outbound_email__next_attempt_at__lte=now,
        )
        .order_by("outbound_email__next_attempt_at")
        .values_list("outbound_email_id", flat=True)
    )
    sent = sum(email_deliver(email_id=email_id, now=now) for email_id in due if email_id)
    newsletter_sync(newsletter_id=newsletter_id)
    return sent


@transaction.atomic
def newsletter_sync(*, newsletter_id: int) -> Newsletter:
    """Copy the outbox's outcome into the delivery rows (the outbox has no hook); once
    none is queued the newsletter is sent. Idempotent: safe on every status page view."""
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter_id)
    if newsletter.status != Newsletter.Status.SENDING:
        return newsletter
    queued = Delivery.objects.filter(newsletter=newsletter, status=Delivery.Status.QUEUED)
    outbox = OutboundEmail.objects.filter(pk=OuterRef("outbound_email_id"))
    queued.filter(outbound_email__status=OutboundEmail.Status.SENT).update(
        status=Delivery.Status.SENT,
        sent_at=Subquery(outbox.values("sent_at")[:1]),
        error="",
    )
    queued.filter(outbound_email__status=OutboundEmail.Status.FAILED).update(
        status=Delivery.Status.FAILED, error=Subquery(outbox.values("last_error")[:1])
    )
    if not queued.exists():
        newsletter.status = Newsletter.Status.SENT
        newsletter.sent_at = (
            Delivery.objects.filter(newsletter=newsletter, sent_at__isnull=False)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)
            .first()
        ) or timezone.now()
        newsletter.save(update_fields=["status", "sent_at"])
    return newsletter


# --- Unsubscribe ------------------------------------------------------------------


def contact_for_token(token: str) -> ContactPerson:
    """The contact a signed unsubscribe link names; NotFound for a forged one."""
    try:
        contact_id = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError) as error:
        raise NotFound(_("This link is not valid.")) from error
    contact = (
        ContactPerson.objects.filter(pk=contact_id).first() if isinstance(contact_id, int) else None
    )
    if contact is None:
        raise NotFound(_("This link is not valid."))
    return contact


@transaction.atomic
def contact_unsubscribe(*, token: str) -> ContactPerson:
    """Stop newsletters to the contact a signed link names (no login: the link is the
    proof). The only writer of ContactPerson.unsubscribed_at; repeating it is a no-op."""
    contact = contact_for_token(token)
    ContactPerson.objects.filter(pk=contact.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    contact.refresh_from_db(fields=["unsubscribed_at"])
    return contact
