"""Due-soon and overdue: timed tasks scheduled for the due date, re-checked when they run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from pult.activity.models import Event
from pult.desk import services as desk_services
from pult.desk.sla import deadline_check
from pult.notifications.models import Notification
from pult.work import services
from tests.conftest import dispatch_notifications
from tests.work.conftest import Desk


def _deadline_tasks() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path__endswith="work_item_deadline_task").order_by(
            "run_after"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_filing_schedules_both_checks_for_the_due_date(desk: Desk) -> None:
    item = desk.submit()
    assert item.due_at is not None
    tasks = _deadline_tasks()
    assert [t.args_kwargs["args"][2] for t in tasks] == ["due_soon", "overdue"]
    assert tasks[1].run_after == item.due_at
    assert tasks[0].run_after == item.due_at - timedelta(hours=2)
    # Nothing is due yet: running the worker now records nothing.
    call_command("worker", batch=True)
    assert not Event.objects.filter(verb__in=["work.due_soon", "work.overdue"]).exists()


@pytest.mark.django_db
def test_overdue_is_recorded_once_and_notifies(desk: Desk) -> None:
    item = desk.submit()
    assert item.due_at is not None
    due = item.due_at.isoformat()
    deadline_check(item_id=item.pk, due_at=due, kind="overdue")  # too early: nothing
    assert not Event.objects.filter(verb="work.overdue").exists()
    with freeze_time(item.due_at + timedelta(minutes=1)):
        deadline_check(item_id=item.pk, due_at=due, kind="overdue")
        deadline_check(item_id=item.pk, due_at=due, kind="overdue")  # run twice: once
    assert Event.objects.filter(verb="work.overdue").count() == 1
    dispatch_notifications()
    told = set(
        Notification.objects.filter(event__verb="work.overdue").values_list(
            "recipient__email", flat=True
        )
    )
    assert told == {desk.applicant.email, desk.head.email}


@pytest.mark.django_db
def test_a_moved_or_finished_item_is_left_alone(desk: Desk) -> None:
    item = desk.submit()
    assert item.due_at is not None
    old_due = item.due_at
    services.work_item_set_dates(
        actor=desk.head,
        workspace=desk.workspace,
        item_id=item.pk,
        start_at=None,
        due_at=old_due + timedelta(days=5),
        reason="Waiting for the printer",
    )
    with freeze_time(old_due + timedelta(hours=1)):
        deadline_check(item_id=item.pk, due_at=old_due.isoformat(), kind="overdue")
    assert not Event.objects.filter(verb="work.overdue").exists()
    desk_services.work_item_take_next(
        actor=desk.designer, workspace=desk.workspace, item_type_key="design-request"
    )
    desk.deliver(item)
    desk.step(desk.designer, item, "complete")
    item.refresh_from_db()
    assert item.due_at is not None
    with freeze_time(item.due_at + timedelta(days=1)):
        deadline_check(item_id=item.pk, due_at=item.due_at.isoformat(), kind="overdue")
    assert not Event.objects.filter(verb="work.overdue").exists()
