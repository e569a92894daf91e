"""Login, lockout after 5 wrong passwords, password reset e-mail over real SMTP."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from pult.accounts.models import User
from tests.conftest import SmtpServer
from tests.factories import PASSWORD, make_member, make_workspace

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_login_lands_on_the_overview_and_wrong_password_says_so(client: Client) -> None:
    workspace, _admin = make_workspace()
    user = make_member(workspace, [])
    wrong = _login(client, user.email, "not-the-password")
    assert wrong.status_code == 200
    assert "The e-mail or password is wrong" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    response = _login(client, user.email.upper(), PASSWORD)  # e-mail is case-insensitive
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(client: Client) -> None:
    from freezegun import freeze_time

    workspace, _admin = make_workspace()
    user = make_member(workspace, [])
    with freeze_time("2026-11-23 10:00:00"):
        for _ in range(5):
            _login(client, user.email, "wrong-password")
        locked = _login(client, user.email, PASSWORD)
        assert locked.status_code == 429
        assert "blocked for 15 minutes" in locked.content.decode()
        assert "_auth_user_id" not in client.session
    # Each attempt while locked restarts the 15 minutes (django-axes cool-off).
    with freeze_time("2026-11-23 10:14:00"):
        assert _login(client, user.email, PASSWORD).status_code == 429
    with freeze_time("2026-11-23 10:28:00"):
        assert _login(client, user.email, PASSWORD).status_code == 429
    with freeze_time("2026-11-23 10:43:30"):
        assert _login(client, user.email, PASSWORD).status_code == 302


# Committed transactions: the outbox task is enqueued on commit and run by the worker.
@pytest.mark.django_db(transaction=True)
def test_password_reset_mail_arrives_and_its_link_works_once(
    client: Client, smtp: SmtpServer
) -> None:
    workspace, _admin = make_workspace()
    user = make_member(workspace, [], email="olga@example.com")
    response = client.post("/accounts/password-reset/", {"email": "olga@example.com"})
    assert response.status_code == 302
    # Unknown addresses get the same answer and no mail (no account enumeration).
    client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    call_command("worker", batch=True)  # the outbox task delivers it
    assert len(smtp.mailbox.messages) == 1
    message = smtp.mailbox.messages[0]
    assert message["To"] == "olga@example.com"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", smtp.mailbox.bodies()[0])
    assert link, smtp.mailbox.bodies()[0]
    form_page = client.get(link.group(1), follow=True)
    assert "new_password1" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "violet-canyon-58", "new_password2": "violet-canyon-58"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("violet-canyon-58")
    # The same link a second time does not work.
    again = client.get(link.group(1), follow=True)
    assert "data-invalid-link" in again.content.decode()
    assert "new_password1" not in again.content.decode()
    assert User.objects.get(pk=user.pk).check_password("violet-canyon-58")
