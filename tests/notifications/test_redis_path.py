"""With REDIS_URL set, tasks travel through RQ on Redis and mail still arrives once."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import SmtpServer, run_pult

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

ENQUEUE = """
import django_rq
from django.db import transaction
from pult.notifications.services import email_enqueue
django_rq.get_connection("default").flushdb()
with transaction.atomic():
    email_enqueue(to="rq@example.com", subject="Via RQ", body_text="hello", dedupe_key="rq:1")
print("queued", django_rq.get_queue("default").count)
"""

STATE = """
import django_rq
from pult.notifications.models import OutboundEmail
email = OutboundEmail.objects.get(dedupe_key="rq:1")
queue = django_rq.get_queue("default")
print("state", email.status, email.attempts, queue.count,
      queue.finished_job_registry.count, queue.failed_job_registry.count)
"""


def test_rq_worker_delivers_the_outbox(tmp_path: Path) -> None:
    smtp = SmtpServer(_port())
    smtp.start()
    try:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "PULT_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "REDIS_URL": REDIS_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        }
        run_pult("migrate", "-v0", env=env, cwd=tmp_path)
        assert "queued 1" in run_pult("shell", "-c", ENQUEUE, env=env, cwd=tmp_path)
        run_pult("worker", "--batch", env=env, cwd=tmp_path)
        # Sent on the first attempt, by the RQ job (finished, none failed), not by the sweep.
        assert "state sent 1 0 1 0" in run_pult("shell", "-c", STATE, env=env, cwd=tmp_path)
        assert len(smtp.mailbox.messages) == 1
        assert smtp.mailbox.messages[0]["Subject"] == "Via RQ"
    finally:
        smtp.stop()


def _port() -> int:
    from tests.conftest import free_port

    return free_port()
