"""Rules as data: who is notified of an event, by which channel, and who is not."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from pult.access.models import Role
from pult.accounts.services import department_create, member_update
from pult.notifications.models import Notification, NotificationRule, OutboundEmail
from pult.notifications.services import preferences_save, rule_save
from tests.conftest import dispatch_notifications, login
from tests.factories import make_member, make_role, make_workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def office() -> dict[str, Any]:
    workspace, admin = make_workspace()
    heads = make_role(workspace, ["accounts.view_directory"], name="Heads")
    sales = department_create(actor=admin, workspace=workspace, name="Sales")
    return {
        "workspace": workspace,
        "admin": admin,
        "heads": heads,
        "sales": sales,
        "head": make_member(workspace, roles=[heads], full_name="Head One"),
        "seller": make_member(
            workspace, ["accounts.view_directory"], department=sales, full_name="Seller One"
        ),
        # In the department but may not see the directory, so never hears of its changes.
        "trainee": make_member(workspace, [], department=sales, full_name="Trai Nee"),
        "bystander": make_member(workspace, [], full_name="By Stander"),
        "subject": make_member(workspace, [], full_name="Sub Ject"),
    }


def _change_roles(office: dict[str, Any]) -> None:
    member_update(
        actor=office["admin"],
        workspace=office["workspace"],
        user_id=office["subject"].pk,
        roles=[office["heads"]],
        department=None,
        is_active=True,
    )
    dispatch_notifications()  # what the worker does once the change commits


def test_rule_notifies_roles_departments_people_and_participants_once(office: dict) -> None:
    rule_save(
        actor=office["admin"],
        workspace=office["workspace"],
        verb="accounts.member_changed",
        users=[office["admin"]],
        roles=[office["heads"]],
        departments=[office["sales"]],
        participants=True,
    )
    # A second rule naming the same head must not double the notification.
    rule_save(
        actor=office["admin"],
        workspace=office["workspace"],
        verb="accounts.member_changed",
        users=[office["head"]],
        roles=[],
        departments=[],
        participants=False,
    )
    _change_roles(office)
    notified = set(Notification.objects.values_list("recipient__full_name", flat=True))
    # The actor (admin) is never notified of their own action; the bystander is not named;
    # the trainee is named (by department) but may not see such events.
    assert notified == {"Head One", "Seller One", "Sub Ject"}
    assert Notification.objects.filter(recipient=office["head"]).count() == 1
    assert OutboundEmail.objects.count() == 3


def test_no_rule_no_notification(office: dict) -> None:
    _change_roles(office)
    assert not Notification.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_preferences_choose_the_channel(office: dict) -> None:
    NotificationRule.objects.create(
        workspace=office["workspace"], verb="accounts.member_changed", participants=True
    )
    preferences_save(
        actor=office["subject"],
        workspace=office["workspace"],
        choices={"accounts.member_changed": (True, False)},
    )
    _change_roles(office)
    notification = Notification.objects.get(recipient=office["subject"])
    assert notification.in_app is True
    assert not OutboundEmail.objects.exists()


def test_in_app_off_keeps_it_out_of_the_inbox(office: dict, client: Client) -> None:
    NotificationRule.objects.create(
        workspace=office["workspace"], verb="accounts.member_changed", participants=True
    )
    preferences_save(
        actor=office["subject"],
        workspace=office["workspace"],
        choices={"accounts.member_changed": (False, True)},
    )
    _change_roles(office)
    assert OutboundEmail.objects.filter(to=office["subject"].email).count() == 1
    login(client, office["subject"])
    page = client.get("/notifications/").content.decode()
    assert "data-notification=" not in page


def test_rules_cannot_name_outsiders(office: dict) -> None:
    from pult.core.exceptions import DomainError

    other, _ = make_workspace()
    stranger_role = Role.objects.get(workspace=other, name="Administrator")
    with pytest.raises(DomainError):
        rule_save(
            actor=office["admin"],
            workspace=office["workspace"],
            verb="accounts.member_changed",
            users=[],
            roles=[stranger_role],
            departments=[],
            participants=False,
        )
    assert not NotificationRule.objects.exists()


def test_inbox_page_marks_read_and_the_bell_counts(office: dict, client: Client) -> None:
    NotificationRule.objects.create(
        workspace=office["workspace"], verb="accounts.member_changed", participants=True
    )
    _change_roles(office)
    login(client, office["subject"])
    home = client.get("/").content.decode()
    assert re.search(r"data-unread-count\s*>1<", home)
    notification = Notification.objects.get(recipient=office["subject"])
    # htmx swaps just the row: now read, without its button.
    row = client.post(f"/notifications/{notification.pk}/read/", HTTP_HX_REQUEST="true")
    assert row.status_code == 200
    assert f'data-notification="{notification.pk}"' in row.content.decode()
    assert "<form" not in row.content.decode() and "<html" not in row.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "data-unread-count hidden" in client.get("/").content.decode()
