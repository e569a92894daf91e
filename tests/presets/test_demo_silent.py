"""`make run`'s first screen: the demo sends no e-mail for its history, and the logins
with the address are the last thing `pult demo` prints."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from pult.notifications.models import Notification, OutboundEmail
from pult.notifications.services import outbox_deliver_due
from tests.conftest import SmtpServer


@pytest.mark.django_db
def test_loading_the_demo_sends_no_email(settings: Any, smtp: SmtpServer) -> None:
    settings.SITE_URL = ""
    settings.PORT = 8101
    out = io.StringIO()
    call_command("demo", stdout=out)

    # The orders went through the real services: their inbox keeps the notifications...
    assert Notification.objects.filter(workspace__slug="expertise-orders").exists()
    # ...but nothing was queued, and the worker finds nothing to send.
    assert not OutboundEmail.objects.exists()
    assert outbox_deliver_due(now=timezone.now() + timedelta(days=1)) == 0
    assert smtp.mailbox.messages == []

    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "Open http://127.0.0.1:8101/ and sign in with one of the logins above."
    logins = "\n".join(lines[lines.index("Demo logins of the demo workspace:") :])
    for email in ("admin@pult.demo", "marketing@pult.demo", "manager@pult.demo"):
        assert email in logins
    assert "Demo data for" not in logins  # the figures come before the logins


@pytest.mark.django_db
def test_emails_outside_the_demo_still_go_out() -> None:
    from pult.activity.services import event_record
    from pult.notifications.services import emails_held, notify_users
    from tests.factories import make_member, make_workspace

    workspace, admin = make_workspace()
    member = make_member(workspace, [])
    with emails_held():
        held = event_record(
            actor=admin, workspace=workspace, verb="accounts.member_changed", notify=False
        )
        notify_users(event=held, user_ids={member.pk})
    sent = event_record(
        actor=admin, workspace=workspace, verb="accounts.member_changed", notify=False
    )
    notify_users(event=sent, user_ids={member.pk})
    assert Notification.objects.filter(recipient=member).count() == 2
    assert OutboundEmail.objects.filter(to=member.email).count() == 1
