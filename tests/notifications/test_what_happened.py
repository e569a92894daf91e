"""Notifications say what happened: a payment reads as a payment with its amount, a
changed field is named with its new value (only to those who may see the field), a
rule may carry its own wording, and a save that changes nothing records nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pult.activity.describe import describe_event
from pult.activity.models import Event
from pult.notifications.models import Notification
from pult.notifications.texts import notification_text
from pult.work import services
from pult.work.models import FieldMode
from pult.work.policies import field_modes
from tests.conftest import dispatch_notifications, login
from tests.work import test_stages
from tests.work.test_stages import Office

pytestmark = pytest.mark.django_db

office = test_stages.office  # the expertise-orders fixture, shared


def _pay(office: Office, amount: str = "60000") -> None:
    item = office.order()
    office.fill(office.finance, item, {"payment_amount": amount, "payment_date": "2026-12-07"})
    dispatch_notifications()


def test_the_manager_reads_payment_received_with_the_amount(client: Client, office: Office) -> None:
    _pay(office)
    notification = Notification.objects.get(recipient=office.manager)
    text = notification_text(notification, office.manager)
    assert text.startswith("Payment received:")
    assert "60" in text and "000" in text and "50" in text and "ORD-" in text
    assert "changed fields" not in text
    with translation.override("ru"):
        assert notification_text(notification, office.manager).startswith("Поступила оплата:")
    login(client, office.manager)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Payment received:" in inbox


def test_a_change_names_the_fields_and_their_values(office: Office) -> None:
    _pay(office)
    event = Event.objects.filter(verb="work.fields_changed").latest("pk")
    text = describe_event(event, office.director)
    assert "Payment amount: " in text and "Payment date: " in text
    with translation.override("ru"):
        assert "Сумма оплаты" in describe_event(event, office.director) or "оплат" in (
            describe_event(event, office.director)
        )
    # Read where nobody in particular reads: the names, no values.
    anonymous = describe_event(event, None)
    assert "Payment amount" in anonymous and "60" not in anonymous


def test_a_field_hidden_from_the_reader_is_not_named(office: Office) -> None:
    _pay(office)
    event = Event.objects.filter(verb="work.fields_changed").latest("pk")
    item = event.target_type.get_object_for_this_type(pk=event.target_id)
    for person in (office.expert, office.dept4, office.head3, office.finance, office.director):
        modes = field_modes(actor=person, item_type=item.item_type, status=item.status, item=item)
        text = describe_event(event, person)
        hidden = modes.get("payment_amount") == FieldMode.HIDDEN
        assert ("Payment amount" in text) is not hidden, person


def test_a_save_that_changes_nothing_records_nothing(office: Office) -> None:
    item = office.order()
    office.fill(office.finance, item, {"payment_amount": "60000"})
    before = (Event.objects.count(), Notification.objects.count())
    item.refresh_from_db()
    office.fill(office.finance, item, {"payment_amount": "60000"})
    services.work_item_update(
        actor=office.finance, workspace=office.workspace, item_id=item.pk, values={}
    )
    assert (Event.objects.count(), Notification.objects.count()) == before


def test_the_inbox_costs_the_same_for_many_changed_items(client: Client, office: Office) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, office.manager)

    def inbox_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("notifications:inbox")).status_code == 200
        return len(queries)

    _pay(office)
    one = inbox_queries()
    for amount in ("10000", "20000", "30000", "40000", "50000"):
        _pay(office, amount)
    assert Notification.objects.filter(recipient=office.manager).count() == 6
    assert inbox_queries() <= one + 2
