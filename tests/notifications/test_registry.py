"""The kernel's notification rules know no domain: conditions and addressees come from
the apps' registrations, and an app added later extends them the same way."""

from __future__ import annotations

from typing import Any

import pytest

from pult.access.models import Role
from pult.accounts.services import member_update
from pult.core.exceptions import DomainError
from pult.notifications import registry
from pult.notifications.models import Notification, NotificationRule
from pult.notifications.services import condition_clean
from tests.conftest import dispatch_notifications
from tests.factories import make_member, make_workspace

pytestmark = pytest.mark.django_db


def test_work_registers_its_conditions_and_unknown_keys_are_refused() -> None:
    assert {"fields_any", "stage", "to_status", "days_before"} <= set(registry.condition_keys())
    assert condition_clean({"to_status": " done ", "stage": ""}) == {"to_status": "done"}
    with pytest.raises(DomainError):
        condition_clean({"weather": "sunny"})


def test_an_app_adds_an_addressee_who_is_told_whatever_the_rules_say(
    monkeypatch: Any,
) -> None:
    workspace, admin = make_workspace()
    member = make_member(workspace, [])
    # One who may read such events (the feed's rule: nobody hears of what they may not see).
    buddy = make_member(workspace, roles=list(Role.objects.filter(workspace=workspace)))
    monkeypatch.setattr(registry, "_always", {})
    registry.register_always_told("accounts.member_changed", lambda event, target: {buddy.pk})
    member_update(
        actor=admin,
        workspace=workspace,
        user_id=member.pk,
        roles=list(Role.objects.filter(workspace=workspace)),
        department=None,
        is_active=True,
    )
    assert not NotificationRule.objects.exists()
    dispatch_notifications()
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [buddy.pk]
