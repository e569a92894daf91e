"""Thin task entry points: take ids, call a service; safe to run twice."""

from django_tasks import task

from pult.newsletters import services


@task()
def newsletter_deliver_task(newsletter_id: int) -> None:
    services.newsletter_deliver_due(newsletter_id=newsletter_id)
