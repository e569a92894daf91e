"""Thin task entry points: take ids, call a service; safe to run twice."""

from django_tasks import task

from pult.notifications import services


@task()
def email_send_task(email_id: int) -> None:
    services.email_deliver(email_id=email_id)


@task()
def event_dispatch_task(event_id: int) -> None:
    services.event_dispatch(event_id=event_id)
