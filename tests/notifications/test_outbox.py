"""The e-mail outbox: nothing lost while the mail server is down, nothing sent twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from pult.notifications.models import Notification, OutboundEmail
from pult.notifications.services import email_deliver, email_enqueue, outbox_deliver_due
from tests.conftest import SmtpServer
from tests.factories import make_member, make_workspace, notify_of_role_change

# Committed transactions: tasks are enqueued on commit and run by the real worker.
pytestmark = pytest.mark.django_db(transaction=True)


def _notify_member_of_role_change() -> Notification:
    workspace, admin = make_workspace()
    member = make_member(workspace, [], email="ivan@example.com")
    notify_of_role_change(workspace, admin, member)
    return Notification.objects.get(recipient=member)


def test_mail_server_down_keeps_the_mail_queued_then_delivers_it_once(smtp: SmtpServer) -> None:
    smtp.stop()
    notification = _notify_member_of_role_change()
    call_command("worker", batch=True)
    email = OutboundEmail.objects.get(dedupe_key=f"notification:{notification.pk}")
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts >= 1 and "Connection" in email.last_error
    assert email.next_attempt_at > timezone.now()
    assert smtp.mailbox.messages == []

    smtp.start()
    # The retry was scheduled with back-off; once it is due the worker sends it.
    with freeze_time(timezone.now() + timedelta(hours=2)):
        call_command("worker", batch=True)
        call_command("worker", batch=True)
        assert outbox_deliver_due() == 0
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(smtp.mailbox.messages) == 1
    message = smtp.mailbox.messages[0]
    assert message["To"] == "ivan@example.com"
    assert "changed the roles or access" in message["Subject"]


def test_two_workers_sending_the_same_mail_at_once_send_it_once(smtp: SmtpServer) -> None:
    email = email_enqueue(
        to="race@example.com", subject="Once", body_text="only once", dedupe_key="test:race"
    )
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def deliver() -> None:
        from django.db import connection

        barrier.wait()
        try:
            results.append(email_deliver(email_id=email.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert len(smtp.mailbox.messages) == 1
    # Enqueueing the same key again is a no-op: nothing is sent twice.
    email_enqueue(to="race@example.com", subject="Once", body_text="again", dedupe_key="test:race")
    call_command("worker", batch=True)
    assert len(smtp.mailbox.messages) == 1


def test_a_mail_that_keeps_failing_is_marked_failed_after_the_last_attempt(
    smtp: SmtpServer, settings: object
) -> None:
    smtp.stop()
    settings.OUTBOX_MAX_ATTEMPTS = 3  # type: ignore[attr-defined]
    email = email_enqueue(to="x@example.com", subject="S", body_text="B", dedupe_key="test:fail")
    now = timezone.now()
    for hours in range(1, 5):
        email_deliver(email_id=email.pk, now=now + timedelta(hours=hours))
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 3
