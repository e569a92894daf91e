"""Notification rules with conditions: the P2 expertise-orders rules, each telling exactly
the right people (inbox and e-mail) and nobody else; validity expiring on its day, once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from pult.access.models import Role
from pult.accounts.models import User, Workspace
from pult.activity.models import Event
from pult.core.exceptions import DomainError
from pult.desk.expiry import expiry_check
from pult.notifications import services as notification_services
from pult.notifications.models import Notification, NotificationRule
from pult.parties.models import Client, Contract
from pult.presets.services import preset_load
from pult.work import services
from pult.work.models import Item
from tests.conftest import SmtpServer, dispatch_notifications, login
from tests.factories import make_member

# Committed transactions: e-mails and timed checks are enqueued on commit, run by the worker.
pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Office:
    workspace: Workspace
    people: dict[str, User]

    def order(self) -> Item:
        manager = self.people["manager"]
        item = services.work_item_submit(
            actor=manager,
            workspace=self.workspace,
            item_type_key="order",
            title="Expertise of the plant project",
            values={},
        )
        client = Client.objects.create(workspace=self.workspace, name="Zavod LLC")
        contract = Contract.objects.create(
            workspace=self.workspace, client=client, number="C-7", amount=Decimal("120000")
        )
        Item.objects.filter(pk=item.pk).update(contract=contract, client=client, manager=manager)
        item.refresh_from_db()
        return item

    def fill(self, who: str, item: Item, values: dict[str, Any]) -> Event:
        services.work_item_update(
            actor=self.people[who], workspace=self.workspace, item_id=item.pk, values=values
        )
        return Event.objects.filter(verb="work.fields_changed", target_id=item.pk).latest("pk")


@pytest.fixture
def office(db: None) -> Office:
    # Load the URLconf (with its API schemas) before any frozen clock: pydantic cannot
    # build a schema while datetime is freezegun's fake class.
    reverse("notifications:inbox")
    workspace = preset_load("expertise-orders", slug="rules-test")
    roles = {r.name: r for r in Role.objects.filter(workspace=workspace)}
    cast = {
        "manager": "Manager",
        "other_manager": "Manager",
        "finance": "Finance",
        "head3": "Head of Dept 3",
        "expert": "Expert",
        "other_expert": "Expert",
        "dept4": "Dept 4",
        "director": "Director",
    }
    people = {
        key: make_member(
            workspace, roles=[roles[role]], email=f"{key}@example.com", full_name=key.title()
        )
        for key, role in cast.items()
    }
    return Office(workspace=workspace, people=people)


def _told(office: Office, event: Event) -> set[str]:
    """Who has an inbox row for the event, by their name in the office (once the worker
    has dispatched what was recorded)."""
    dispatch_notifications()
    names = {user.pk: key for key, user in office.people.items()}
    return {names[n.recipient_id] for n in Notification.objects.filter(event=event)}


def _mailed(smtp: SmtpServer) -> list[str]:
    call_command("worker", batch=True)
    addresses = sorted(str(m["To"]).removesuffix("@example.com") for m in smtp.mailbox.messages)
    smtp.mailbox.messages.clear()
    return addresses


def test_preset_rules_are_the_spec_rules(office: Office) -> None:
    rules = NotificationRule.objects.filter(workspace=office.workspace).order_by("pk")
    shape = [
        (
            r.verb,
            r.condition,
            sorted(role.name for role in r.roles.all()),
            r.item_manager,
            r.field_users,
        )
        for r in rules
    ]
    assert shape == [
        (
            "work.fields_changed",
            {"fields_any": ["payment_amount", "payment_date"]},
            [],
            True,
            [],
        ),
        ("work.fields_changed", {"fields_any": ["spec_sent"]}, ["Head of Dept 3"], False, []),
        ("work.fields_changed", {"fields_any": ["expert"]}, [], False, ["expert"]),
        (
            "work.fields_changed",
            {"fields_any": ["documents_analysed", "expertise_done"]},
            ["Finance"],
            False,
            [],
        ),
        ("work.fields_changed", {"fields_any": ["expertise_done"]}, ["Dept 4"], False, []),
        (
            "work.fields_changed",
            {"fields_any": ["submitted_to_state", "expertise_approved", "work_completed"]},
            ["Finance"],
            False,
            [],
        ),
        ("work.validity_expiring", {"days_before": 30}, [], True, []),
    ]


def test_each_spec_rule_tells_exactly_the_right_people(office: Office, smtp: SmtpServer) -> None:
    item = office.order()
    _mailed(smtp)  # filing and setting up tell nobody under these rules

    steps: list[tuple[str, dict[str, Any], set[str]]] = [
        # Dept 1 fields are nobody's business but the manager's own.
        ("manager", {"payment_terms": "50% upfront", "fee": "120000"}, set()),
        # Entering a payment notifies the order's manager (not the other manager).
        ("finance", {"payment_amount": "30000"}, {"manager"}),
        ("finance", {"payment_date": "2026-03-02"}, {"manager"}),
        ("finance", {"legal_entity": "LLC Expert"}, set()),
        # "Spec sent to Dept 3" notifies the head of Dept 3; the spec text alone does not.
        ("manager", {"technical_spec": "Check the plant"}, set()),
        ("manager", {"spec_sent": True}, {"head3"}),
        # The chosen expert hears of it; the other expert does not.
        ("head3", {"expert": str(office.people["expert"].pk)}, {"expert"}),
        # "Documents analysed" → Dept 2 only; "expertise done" → Dept 2 and Dept 4.
        ("expert", {"documents_analysed": True}, {"finance"}),
        ("expert", {"expertise_done": True}, {"finance", "dept4"}),
        # Each Dept 4 field → Dept 2.
        ("dept4", {"submitted_to_state": True}, {"finance"}),
        ("dept4", {"expertise_approved": True}, {"finance"}),
        ("dept4", {"work_completed": True}, {"finance"}),
        # Unticking is a change too.
        ("dept4", {"work_completed": False}, {"finance"}),
    ]
    for who, values, expected in steps:
        event = office.fill(who, item, values)
        assert _told(office, event) == expected, (who, values)
        assert _mailed(smtp) == sorted(expected), (who, values)


def test_the_actor_is_not_told_of_their_own_change(office: Office) -> None:
    item = office.order()
    # The Director may edit every field: entering the payment tells the manager only.
    event = office.fill("director", item, {"payment_amount": "100"})
    assert _told(office, event) == {"manager"}
    # When the one who enters it is the item's manager, nobody is told.
    Item.objects.filter(pk=item.pk).update(manager=office.people["director"])
    event = office.fill("director", item, {"payment_amount": "200"})
    assert _told(office, event) == set()


def test_validity_expiring_fires_at_its_time_once_and_tells_the_manager(
    office: Office, smtp: SmtpServer
) -> None:
    with freeze_time("2026-01-10 12:00"):
        item = office.order()
        office.fill(
            "manager", item, {"registration_date": "2026-01-10", "valid_until": "2026-03-01"}
        )
    tasks = DBTaskResult.objects.filter(task_path__endswith="work_item_expiry_task")
    assert len(tasks) == 1
    warn_at = timezone.make_aware(dt.datetime(2026, 1, 30, 9, 0))
    assert tasks[0].run_after == warn_at
    assert tasks[0].args_kwargs["args"] == [item.pk, "valid_until", "2026-03-01", 30]
    expiring = Event.objects.filter(verb="work.validity_expiring", target_id=item.pk)

    with freeze_time(warn_at - dt.timedelta(minutes=1)):
        call_command("worker", batch=True)  # not due yet
        assert (
            expiry_check(
                item_id=item.pk, field_key="valid_until", value="2026-03-01", days_before=30
            )
            is False
        )
    assert not expiring.exists()

    with freeze_time(warn_at + dt.timedelta(minutes=5)):
        call_command("worker", batch=True)  # runs the check, then sends the e-mail
        call_command("worker", batch=True)
        # Running the check again records nothing more.
        assert (
            expiry_check(
                item_id=item.pk, field_key="valid_until", value="2026-03-01", days_before=30
            )
            is False
        )
    event = expiring.get()
    assert event.actor is None
    assert _told(office, event) == {"manager"}
    assert [str(m["To"]) for m in smtp.mailbox.messages] == ["manager@example.com"]
    subject = str(make_header(decode_header(smtp.mailbox.messages[0]["Subject"])))
    assert "“Valid until” runs out on 01.03.2026" in subject


def test_a_moved_date_cancels_the_old_check(office: Office) -> None:
    with freeze_time("2026-01-10 12:00"):
        item = office.order()
        office.fill("manager", item, {"valid_until": "2026-03-01"})
        office.fill("manager", item, {"valid_until": "2027-03-01"})
    with freeze_time("2026-02-15 12:00"):
        assert not expiry_check(
            item_id=item.pk, field_key="valid_until", value="2026-03-01", days_before=30
        )
        assert not expiry_check(
            item_id=item.pk, field_key="valid_until", value="2027-03-01", days_before=30
        )
    with freeze_time("2027-02-01 12:00"):
        assert expiry_check(
            item_id=item.pk, field_key="valid_until", value="2027-03-01", days_before=30
        )
    assert Event.objects.filter(verb="work.validity_expiring").count() == 1


def test_a_status_and_stage_condition_match_only_their_key(office: Office) -> None:
    workspace, director = office.workspace, office.people["director"]
    finance_role = Role.objects.get(workspace=workspace, name="Finance")
    notification_services.rule_save(
        actor=director,
        workspace=workspace,
        verb="work.status_changed",
        users=[],
        roles=[finance_role],
        departments=[],
        participants=False,
        condition={"to_status": "confirmed"},
    )
    notification_services.rule_save(
        actor=director,
        workspace=workspace,
        verb="work.stage_signed",
        users=[],
        roles=[],
        departments=[],
        participants=False,
        item_manager=True,
        condition={"stage": "sales"},
    )
    item = office.order()
    services.work_item_transition(
        actor=office.people["manager"],
        workspace=workspace,
        item_id=item.pk,
        transition_key="confirm",
    )
    moved = Event.objects.filter(verb="work.status_changed", target_id=item.pk).latest("pk")
    assert _told(office, moved) == {"finance"}
    services.work_item_transition(
        actor=office.people["manager"], workspace=workspace, item_id=item.pk, transition_key="start"
    )
    moved = Event.objects.filter(verb="work.status_changed", target_id=item.pk).latest("pk")
    assert _told(office, moved) == set()
    office.fill(
        "manager",
        item,
        {
            "payment_terms": "50% upfront",
            "fee": "120000",
            "subcontractor_amount": "20000",
            "sales_comments": "Hurry",
        },
    )
    services.stage_sign(actor=director, workspace=workspace, item_id=item.pk, stage_key="sales")
    signed = Event.objects.get(verb="work.stage_signed", target_id=item.pk)
    assert _told(office, signed) == {"manager"}


def test_unknown_condition_keys_are_refused(office: Office) -> None:
    with pytest.raises(DomainError, match="Unknown condition"):
        notification_services.rule_save(
            actor=office.people["director"],
            workspace=office.workspace,
            verb="work.fields_changed",
            users=[],
            roles=[],
            departments=[],
            participants=False,
            item_manager=True,
            condition={"python": "1/0"},
        )


def test_rules_page_shows_and_edits_condition_and_new_addressees(office: Office) -> None:
    client = login(HttpClient(), office.people["director"])
    page = client.get(reverse("notifications:rules")).content.decode()
    assert "payment_amount, payment_date" in page
    assert "the person in “expert”" in page
    rule = NotificationRule.objects.filter(workspace=office.workspace).order_by("pk").first()
    assert rule is not None
    url = reverse("notifications:rule_edit", args=[rule.pk])
    form = client.get(url).content.decode()
    assert 'value="payment_amount, payment_date"' in form
    response = client.post(
        url,
        {
            "verb": "work.fields_changed",
            "item_manager": "on",
            "field_users": "expert",
            "fields_any": "payment_amount, fee",
            "stage": "",
            "to_status": "",
            "days_before": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert rule.condition == {"fields_any": ["payment_amount", "fee"]}
    assert rule.item_manager is True
    assert rule.field_users == ["expert"]
