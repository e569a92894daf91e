"""A 1,000-recipient newsletter through the outbox with the mail server restarting
midway: every address gets exactly one copy; the unsubscribed one gets none."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from pult.newsletters.models import Delivery, Newsletter
from pult.newsletters.services import newsletter_send, newsletter_sync
from pult.notifications.models import OutboundEmail
from pult.parties.models import ContactPerson
from tests.conftest import SmtpServer
from tests.factories import make_workspace
from tests.newsletters.factories import make_clients, make_newsletter

# Committed transactions: tasks are enqueued on commit and run by the real worker.
pytestmark = pytest.mark.django_db(transaction=True)

RECIPIENTS = 1000
RATE = 600  # ten a second: the 1,000 e-mails are due over 100 seconds of (frozen) time


def _pending() -> int:
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count()


def test_a_thousand_recipients_with_the_mail_server_restarting(
    smtp: SmtpServer, settings: Any
) -> None:
    started = time.monotonic()
    workspace, admin = make_workspace()
    contacts = make_clients(workspace, RECIPIENTS + 1)
    unsubscribed = contacts[500]
    ContactPerson.objects.filter(pk=unsubscribed.pk).update(unsubscribed_at=timezone.now())
    newsletter = make_newsletter(workspace, admin, rate_per_minute=RATE)
    start = timezone.now()
    newsletter_send(actor=admin, workspace=workspace, newsletter_id=newsletter.pk, now=start)
    assert _pending() == RECIPIENTS

    # 30 s in: about 300 are due and sent.
    with freeze_time(start + timedelta(seconds=30)):
        call_command("worker", batch=True)
        call_command("worker", batch=True)
    sent_first = len(smtp.mailbox.messages)
    assert 250 <= sent_first <= 320, sent_first

    # The server goes down; what falls due meanwhile fails and is retried later.
    smtp.stop()
    with freeze_time(start + timedelta(seconds=36)):
        call_command("worker", batch=True)
    assert len(smtp.mailbox.messages) == sent_first
    failed_once = OutboundEmail.objects.filter(attempts__gte=1, status="pending").count()
    assert failed_once >= 30, failed_once

    # Back up: everything still queued goes out, the failed ones after their back-off.
    smtp.start()
    for _round in range(40):
        with freeze_time(start + timedelta(hours=2)):
            call_command("worker", batch=True)
        if _pending() == 0:
            break
    assert _pending() == 0
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).exists()

    received = Counter(message["To"] for message in smtp.mailbox.messages)
    expected = {f"c{i}@example.com" for i in range(RECIPIENTS + 1)} - {unsubscribed.emails}
    assert set(received) == expected
    assert set(received.values()) == {1}  # exactly one copy each
    assert unsubscribed.emails not in received

    newsletter = newsletter_sync(newsletter_id=newsletter.pk)
    assert newsletter.status == Newsletter.Status.SENT
    statuses = Counter(
        Delivery.objects.filter(newsletter=newsletter).values_list("status", flat=True)
    )
    assert statuses == {
        Delivery.Status.SENT: RECIPIENTS,
        Delivery.Status.SKIPPED_UNSUBSCRIBED: 1,
    }
    assert time.monotonic() - started < 60
