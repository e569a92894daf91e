"""Segments, templates and preview, sending once, unsubscribe honoured."""

from __future__ import annotations

import pytest
from django.utils import timezone

from pult.core.exceptions import DomainError, NotFound
from pult.newsletters import selectors
from pult.newsletters.models import Delivery, Newsletter
from pult.newsletters.permissions import SEND
from pult.newsletters.services import (
    contact_for_token,
    contact_unsubscribe,
    newsletter_preview,
    newsletter_save,
    newsletter_send,
    segment_save,
    template_errors,
    unsubscribe_token,
)
from pult.notifications.models import OutboundEmail
from pult.parties.models import Client, ClientStatus, ContactPerson
from tests.factories import make_member, make_workspace
from tests.newsletters.factories import make_clients, make_newsletter

pytestmark = pytest.mark.django_db


def test_unknown_placeholders_are_refused_by_name() -> None:
    workspace, admin = make_workspace()
    segment = segment_save(actor=admin, workspace=workspace, name="All", filters={})
    with pytest.raises(DomainError) as error:
        newsletter_save(
            actor=admin,
            workspace=workspace,
            segment=segment,
            subject="Hi {company}",
            body="Dear {contact_name}, {secret} and {company.__class__}",
            rate_per_minute=60,
        )
    message = error.value.field_errors["body"][0]
    assert "{secret}" in message and "{company.__class__}" in message
    assert "{unsubscribe_url}" in message  # the available ones are named too


@pytest.mark.parametrize(
    "text",
    ["{company!r}", "{company:>40}", "{0}", "{}", "{company[0]}", "unbalanced {", "}"],
)
def test_anything_but_a_bare_known_name_is_refused(text: str) -> None:
    assert template_errors(text)


def test_literal_braces_and_known_names_are_fine() -> None:
    assert template_errors("{{not a placeholder}} {company} {manager_name}") == []


def test_preview_fills_the_placeholders_for_a_contact() -> None:
    workspace, admin = make_workspace()
    manager = make_member(workspace, [], full_name="Maria Manager")
    (contact,) = make_clients(workspace, 1, prefix="p", manager=manager)
    newsletter = make_newsletter(workspace, admin, subject="News for {company}")
    preview = newsletter_preview(newsletter=newsletter, contact=contact)
    assert preview["subject"] == "News for Company p0"
    assert "Hello, Person p0!" in preview["body"]
    assert "Your manager: Maria Manager." in preview["body"]
    assert f"/newsletters/unsubscribe/{unsubscribe_token(contact)}/" in preview["body"]


def test_segment_filters_choose_the_clients() -> None:
    workspace, _admin = make_workspace()
    manager = make_member(workspace, [])
    make_clients(workspace, 2, prefix="cafe", industry="Cafe", tags="vip, north")
    make_clients(workspace, 1, prefix="shop", industry="Shop", manager=manager)
    make_clients(workspace, 1, prefix="gone", industry="Cafe", status=ClientStatus.REFUSED)
    archived = make_clients(workspace, 1, prefix="old", industry="Cafe")
    Client.objects.filter(pk=archived[0].client_id).update(archived_at=timezone.now())
    other, _ = make_workspace()
    make_clients(other, 3, prefix="x", industry="Cafe")

    def emails(filters: dict[str, object]) -> set[str]:
        contacts = selectors.filtered_contacts(workspace=workspace, filters=filters)
        return {c.emails for c in contacts}

    assert emails({"industry": "cafe", "status": "active"}) == {
        "cafe0@example.com",
        "cafe1@example.com",
    }
    assert emails({"manager_id": manager.pk}) == {"shop0@example.com"}
    assert emails({"tags": ["north"]}) == {"cafe0@example.com", "cafe1@example.com"}
    assert emails({"tags": ["nor"]}) == set()  # whole tags only
    assert len(emails({})) == 4  # every working client of this workspace


def test_send_creates_one_delivery_per_address_and_skips_the_unsubscribed() -> None:
    workspace, admin = make_workspace()
    contacts = make_clients(workspace, 3)
    ContactPerson.objects.filter(pk=contacts[0].pk).update(
        emails="c0@example.com, second@example.com"
    )
    ContactPerson.objects.filter(pk=contacts[1].pk).update(unsubscribed_at=timezone.now())
    # The same address on another contact is sent once.
    ContactPerson.objects.filter(pk=contacts[2].pk).update(emails="C0@example.com, c2@example.com")
    newsletter = make_newsletter(workspace, admin, rate_per_minute=2)
    newsletter_send(actor=admin, workspace=workspace, newsletter_id=newsletter.pk)

    deliveries = {d.email: d for d in Delivery.objects.filter(newsletter=newsletter)}
    assert set(deliveries) == {
        "c0@example.com",
        "second@example.com",
        "c1@example.com",
        "c2@example.com",
    }
    assert deliveries["c1@example.com"].status == Delivery.Status.SKIPPED_UNSUBSCRIBED
    assert deliveries["c1@example.com"].outbound_email is None
    queued = sorted(
        (d for d in deliveries.values() if d.status == Delivery.Status.QUEUED),
        key=lambda d: d.outbound_email.next_attempt_at,  # type: ignore[union-attr]
    )
    assert len(queued) == 3
    # Spread by the rate: two a minute is one every 30 seconds.
    times = [d.outbound_email.next_attempt_at for d in queued]  # type: ignore[union-attr]
    assert (times[1] - times[0]).total_seconds() == pytest.approx(30)
    assert (times[2] - times[0]).total_seconds() == pytest.approx(60)
    assert OutboundEmail.objects.filter(dedupe_key__startswith="newsletter-delivery:").count() == 3
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENDING

    with pytest.raises(DomainError):
        newsletter_send(actor=admin, workspace=workspace, newsletter_id=newsletter.pk)
    assert Delivery.objects.filter(newsletter=newsletter).count() == 4


def test_without_the_permission_newsletters_do_not_exist() -> None:
    workspace, admin = make_workspace()
    stranger = make_member(workspace, [])
    sender = make_member(workspace, [SEND])
    newsletter = make_newsletter(workspace, admin)
    with pytest.raises(NotFound):
        newsletter_send(actor=stranger, workspace=workspace, newsletter_id=newsletter.pk)
    with pytest.raises(NotFound):
        segment_save(actor=stranger, workspace=workspace, name="Mine", filters={})
    assert not selectors.newsletter_list(actor=stranger, workspace=workspace).exists()
    assert selectors.newsletter_list(actor=sender, workspace=workspace).get() == newsletter
    other, other_admin = make_workspace()
    with pytest.raises(NotFound):
        newsletter_send(actor=other_admin, workspace=other, newsletter_id=newsletter.pk)


def test_unsubscribe_token_names_the_contact_and_a_forged_one_is_refused() -> None:
    workspace, _admin = make_workspace()
    (contact,) = make_clients(workspace, 1)
    token = unsubscribe_token(contact)
    assert contact_for_token(token) == contact
    with pytest.raises(NotFound):
        contact_for_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(NotFound):
        contact_for_token("1:forged")
    first = contact_unsubscribe(token=token).unsubscribed_at
    assert first is not None
    assert contact_unsubscribe(token=token).unsubscribed_at == first  # repeating is a no-op


def test_a_contact_who_unsubscribed_through_the_link_is_skipped_by_later_sends() -> None:
    workspace, admin = make_workspace()
    first, second = make_clients(workspace, 2)
    contact_unsubscribe(token=unsubscribe_token(first))
    newsletter = make_newsletter(workspace, admin)
    newsletter_send(actor=admin, workspace=workspace, newsletter_id=newsletter.pk)
    statuses = dict(
        Delivery.objects.filter(newsletter=newsletter).values_list("contact_id", "status")
    )
    assert statuses == {
        first.pk: Delivery.Status.SKIPPED_UNSUBSCRIBED,
        second.pk: Delivery.Status.QUEUED,
    }
    assert OutboundEmail.objects.filter(to=first.emails).count() == 0
