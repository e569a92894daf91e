"""The next-contact date of a client keeps one "call the client" reminder for its manager."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pult.calendars.models import Reminder
from pult.parties.client_services import client_archive, client_create, client_update
from tests.parties.clients_fixtures import Base

pytestmark = pytest.mark.django_db


def _open(base: Base) -> list[Reminder]:
    return list(
        Reminder.objects.filter(
            workspace=base.workspace, done_at__isnull=True, cancelled_at__isnull=True
        )
    )


def test_next_contact_sets_moves_and_drops_the_reminder(base: Base) -> None:
    soon = timezone.now() + datetime.timedelta(days=2)
    client = client_create(
        actor=base.manager,
        workspace=base.workspace,
        name="Рога и копыта",
        manager_id=base.manager.pk,
        next_contact_at=soon,
    )
    [reminder] = _open(base)
    assert reminder.user == base.manager and reminder.at == soon
    assert "Рога и копыта" in reminder.text
    later = soon + datetime.timedelta(days=1)
    client_update(
        actor=base.manager, workspace=base.workspace, client_id=client.pk, next_contact_at=later
    )
    assert [r.at for r in _open(base)] == [later]
    client_archive(actor=base.manager, workspace=base.workspace, client_id=client.pk)
    assert _open(base) == []
