"""Thin task entry points of the calendar: take ids, call a service; safe to run twice."""

from django_tasks import task

from pult.calendars import reminders


@task()
def reminder_fire_task(reminder_id: int, at_iso: str) -> None:
    reminders.reminder_fire(reminder_id=reminder_id, at_iso=at_iso)
