"""`pult worker`: runs background tasks and sweeps the two outboxes.

Tasks come from the database queue (default) or RQ on Redis (REDIS_URL). The sweeps are
the safety net: an event whose dispatch task was lost still notifies, and an e-mail
whose task was lost is still sent when due.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger("pult.worker")


def _sweep_forever(interval: float, stop: threading.Event) -> None:
    from pult.notifications.services import events_dispatch_due, outbox_deliver_due

    while not stop.wait(interval):
        try:
            close_old_connections()
            if dispatched := events_dispatch_due():
                logger.info("dispatch sweep notified of %s events", dispatched)
            if sent := outbox_deliver_due():
                logger.info("outbox sweep sent %s e-mails", sent)
        except Exception:
            logger.exception("outbox sweep failed")
        finally:
            close_old_connections()


class Command(BaseCommand):
    help = "Run the background task worker (and the outbox sweeps)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--sweep-interval", type=float, default=30.0)
        parser.add_argument("--batch", action="store_true", help="Run what is due now, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"]:
            from pult.notifications.services import events_dispatch_due, outbox_deliver_due

            self._run_tasks(batch=True)
            events_dispatch_due(older_than=None)
            outbox_deliver_due()
            return
        stop = threading.Event()
        sweeper = threading.Thread(
            target=_sweep_forever,
            args=(options["sweep_interval"], stop),
            daemon=True,
            name="outbox-sweep",
        )
        sweeper.start()
        try:
            self._run_tasks(batch=False)
        finally:
            stop.set()

    def _run_tasks(self, *, batch: bool) -> None:
        if str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_rq"):
            # RQ must run jobs with django-tasks-rq's Job class, which records task results.
            call_command(
                "rqworker",
                "default",
                with_scheduler=True,
                burst=batch,
                job_class="django_tasks_rq.backend.Job",
            )
        else:
            call_command(
                "db_worker",
                queue_name="*",
                batch=batch,
                reload=False,
                startup_delay=False,
                verbosity=0 if batch else 1,
            )
