"""Thin task entry points of the work engine: take ids, call a service; safe to run twice."""

from django_tasks import task

from pult.desk import expiry, sla


@task()
def work_item_deadline_task(item_id: int, due_at: str, kind: str) -> None:
    sla.deadline_check(item_id=item_id, due_at=due_at, kind=kind)


@task()
def work_item_expiry_task(item_id: int, field_key: str, value: str, days_before: int) -> None:
    expiry.expiry_check(item_id=item_id, field_key=field_key, value=value, days_before=days_before)
