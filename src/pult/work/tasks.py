"""The desk's timed checks, under the names that tasks queued before the desk became an
app of its own were stored with (`pult.work.tasks.…`): such a task still runs."""

from pult.desk.tasks import work_item_deadline_task, work_item_expiry_task

__all__ = ["work_item_deadline_task", "work_item_expiry_task"]
