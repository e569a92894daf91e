"""Pages: holders of newsletters.send only; the public unsubscribe page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from pult.core.site import site_url
from pult.newsletters.models import Newsletter, Segment
from pult.newsletters.permissions import SEND
from pult.newsletters.services import newsletter_send, unsubscribe_token, unsubscribe_url
from pult.notifications.models import OutboundEmail
from pult.notifications.services import email_deliver
from pult.parties.models import ContactPerson
from tests.conftest import SmtpServer, login
from tests.factories import make_member, make_workspace
from tests.newsletters.factories import make_clients, make_newsletter

pytestmark = pytest.mark.django_db


def test_unsubscribe_works_without_login_and_get_only_asks() -> None:
    workspace, _admin = make_workspace()
    (contact,) = make_clients(workspace, 1)
    url = reverse("newsletters:unsubscribe", kwargs={"token": unsubscribe_token(contact)})
    client = HttpClient(enforce_csrf_checks=True)

    response = client.get(url)
    assert response.status_code == 200
    assert b"Unsubscribe" in response.content
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None  # a link scanner's GET changes nothing

    csrf = client.cookies["csrftoken"].value
    response = client.post(url, {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.unsubscribed_at is not None


@pytest.mark.parametrize("token", ["forged", "1:abc", "MQ:1tZ2Yx:badsignature"])
def test_a_forged_unsubscribe_link_is_not_found(client: HttpClient, token: str) -> None:
    url = reverse("newsletters:unsubscribe", kwargs={"token": token})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not ContactPerson.objects.filter(unsubscribed_at__isnull=False).exists()


def test_pages_are_not_found_for_members_without_the_permission(client: HttpClient) -> None:
    workspace, admin = make_workspace()
    newsletter = make_newsletter(workspace, admin)
    login(client, make_member(workspace, []))
    for url in [
        reverse("newsletters:newsletter_list"),
        reverse("newsletters:segment_list"),
        reverse("newsletters:segment_new"),
        reverse("newsletters:newsletter_detail", args=[newsletter.pk]),
        reverse("newsletters:newsletter_send", args=[newsletter.pk]),
        reverse("newsletters:newsletter_status", args=[newsletter.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("newsletters:newsletter_send", args=[newsletter.pk])).status_code == 404
    )
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT


def test_a_sender_composes_previews_sends_and_sees_the_deliveries(client: HttpClient) -> None:
    workspace, _admin = make_workspace()
    make_clients(workspace, 3, industry="Cafe")
    make_clients(workspace, 2, prefix="s", industry="Shop")
    sender = make_member(workspace, [SEND])
    login(client, sender)

    response = client.get(reverse("newsletters:segment_count"), {"industry": "cafe"})
    assert b"3 recipients" in response.content
    response = client.post(
        reverse("newsletters:segment_new"),
        {"name": "Cafes", "industry": "Cafe", "status": "", "source": "", "tags": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    segment = Segment.objects.get(workspace=workspace, name="Cafes")
    assert segment.filters == {"industry": "Cafe"}
    assert b"Cafes" in client.get(reverse("newsletters:segment_list")).content
    assert (
        b"3 recipients"
        in client.get(reverse("newsletters:segment_edit", args=[segment.pk])).content
    )

    response = client.post(
        reverse("newsletters:newsletter_new"),
        {"segment": segment.pk, "subject": "Hi {company}", "body": "{oops}", "rate_per_minute": 60},
    )
    assert response.status_code == 400 and b"{oops}" in response.content
    response = client.post(
        reverse("newsletters:newsletter_new"),
        {
            "segment": segment.pk,
            "subject": "Hi {company}",
            "body": "Dear {contact_name}",
            "rate_per_minute": 60,
        },
    )
    assert response.status_code == 302
    newsletter = Newsletter.objects.get(workspace=workspace)
    response = client.get(reverse("newsletters:newsletter_detail", args=[newsletter.pk]))
    assert b"Hi Company c0" in response.content and b"Dear Person c0" in response.content
    assert (
        client.get(reverse("newsletters:newsletter_send", args=[newsletter.pk])).status_code == 200
    )
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT  # the GET only asks

    response = client.post(reverse("newsletters:newsletter_send", args=[newsletter.pk]))
    assert response.status_code == 302
    response = client.get(reverse("newsletters:newsletter_status", args=[newsletter.pk]))
    assert response.status_code == 200
    assert b"c2@example.com" in response.content and b"s0@example.com" not in response.content
    assert b"newsletters" in client.get(reverse("newsletters:newsletter_list")).content.lower()


def test_each_newsletter_carries_its_one_click_unsubscribe(smtp: SmtpServer) -> None:
    workspace, admin = make_workspace()
    first, second = make_clients(workspace, 2)
    newsletter = make_newsletter(workspace, admin)
    newsletter_send(actor=admin, workspace=workspace, newsletter_id=newsletter.pk)
    for email_id in OutboundEmail.objects.values_list("pk", flat=True):
        assert email_deliver(email_id=email_id, now=timezone.now() + timedelta(hours=1))
    received = {str(m["To"]): m for m in smtp.mailbox.messages}
    assert set(received) == {first.emails, second.emails}
    header = "".join(str(received[first.emails]["List-Unsubscribe"]).split())  # unfolded
    assert header == f"<{unsubscribe_url(first)}>"
    assert str(received[first.emails]["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"

    # The mail client's one-click POST: no session, no CSRF token, the RFC's body.
    path = header.strip("<>").removeprefix(site_url())
    mail_client = HttpClient(enforce_csrf_checks=True)
    response = mail_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.unsubscribed_at is not None
    assert second.unsubscribed_at is None


def test_the_segment_list_reads_each_filter_as_words(client: HttpClient) -> None:
    workspace, _admin = make_workspace()
    sender = make_member(workspace, [SEND], full_name="Мария Менеджерова")
    Segment.objects.create(
        workspace=workspace,
        name="Utilities",
        filters={"status": "active", "industry": "ЖКХ", "manager_id": sender.pk, "tags": ["VIP"]},
    )
    Segment.objects.create(workspace=workspace, name="Everyone", filters={})
    login(client, sender)
    html = client.get(reverse("newsletters:segment_list")).content.decode()
    cells = re.findall(r"<td class=\"muted small\" data-filters>(.*?)</td>", html, re.S)
    assert cells == [
        "All working clients",
        "Client status: Active; Industry: ЖКХ; Manager: Мария Менеджерова; Tags: VIP",
    ]
    assert "Ж, К, Х" not in html and "a, c, t" not in html
