"""Notifications are dispatched after the write commits, by the worker: the event row's
outbox entry is written with the change, the dispatch task is queued on commit, and
the sweep delivers what a lost task left behind, exactly once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from pult.access.models import Role
from pult.accounts.services import member_update
from pult.activity.models import Event
from pult.notifications.models import EventDispatch, Notification, NotificationRule, OutboundEmail
from pult.notifications.services import event_dispatch, events_dispatch_due
from tests.factories import make_member, make_workspace

pytestmark = pytest.mark.django_db(transaction=True)


def _change_roles() -> tuple[object, Event]:
    workspace, admin = make_workspace()
    member = make_member(workspace, [])
    NotificationRule.objects.create(
        workspace=workspace, verb="accounts.member_changed", participants=True
    )
    member_update(  # its own transaction, committed on return
        actor=admin,
        workspace=workspace,
        user_id=member.pk,
        roles=list(Role.objects.filter(workspace=workspace)),
        department=None,
        is_active=True,
    )
    return member, Event.objects.get(verb="accounts.member_changed")


def test_the_write_queues_the_dispatch_and_the_worker_notifies_once() -> None:
    member, event = _change_roles()
    # Committed, but nobody has been told yet: the rules run in the worker.
    assert EventDispatch.objects.get(pk=event.pk).notified_at is None
    assert not Notification.objects.exists()
    queued = DBTaskResult.objects.filter(task_path__endswith="event_dispatch_task")
    assert [t.args_kwargs["args"] for t in queued].count([event.pk]) == 1

    call_command("worker", batch=True)
    assert Notification.objects.filter(recipient=member, event=event).count() == 1
    assert EventDispatch.objects.get(pk=event.pk).notified_at is not None
    # The task run again, or the sweep after it, tells nobody twice.
    assert event_dispatch(event_id=event.pk) is False
    assert events_dispatch_due(older_than=None) == 0
    assert Notification.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_a_lost_task_is_made_good_by_the_sweep() -> None:
    member, event = _change_roles()
    DBTaskResult.objects.all().delete()  # the queue lost it (a crash between commit and enqueue)
    call_command("worker", batch=True)  # the batch run sweeps whatever is still pending
    assert Notification.objects.filter(recipient=member, event=event).count() == 1
    assert EventDispatch.objects.filter(notified_at__isnull=True).count() == 0


def test_a_rolled_back_write_leaves_nothing_to_dispatch() -> None:
    workspace, admin = make_workspace()
    member = make_member(workspace, [])
    NotificationRule.objects.create(
        workspace=workspace, verb="accounts.member_changed", participants=True
    )
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        member_update(
            actor=admin,
            workspace=workspace,
            user_id=member.pk,
            roles=list(Role.objects.filter(workspace=workspace)),
            department=None,
            is_active=True,
        )
        raise RuntimeError("the request failed after the change")
    assert not Event.objects.filter(verb="accounts.member_changed").exists()
    assert not EventDispatch.objects.filter(event__verb="accounts.member_changed").exists()
    call_command("worker", batch=True)
    assert not Notification.objects.exists()
