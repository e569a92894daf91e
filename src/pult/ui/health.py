"""State of what Pult depends on: database, task queue, channel layer.

Anyone may ask whether Pult is up; only the installation's admin or a client on this
machine learn what it runs on (engine and backend names, queue length, error texts):
those help an attacker choose an exploit, and an error text can carry a host name.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django_tasks import task_backends

logger = logging.getLogger(__name__)


def _timed(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as error:
        # The public answer says only "not ok": the reason goes to the log.
        logger.warning("health check %s failed", check.__name__, exc_info=True)
        detail, ok = f"{type(error).__name__}: {error}", False
    return {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _tasks() -> dict[str, Any]:
    backend = task_backends["default"]
    detail: dict[str, Any] = {"backend": type(backend).__name__}
    if type(backend).__name__ == "DatabaseBackend":
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        ready = DBTaskResult.objects.ready()
        detail["ready"] = ready.count()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        detail["oldest_ready_seconds"] = (
            round((timezone.now() - oldest).total_seconds()) if oldest else 0
        )
    elif type(backend).__name__ == "RQBackend":
        import django_rq

        django_rq.get_connection("default").ping()
        detail["ready"] = len(django_rq.get_queue("default"))
    return detail


def _channel_layer() -> str:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip() -> None:
        channel = await layer.new_channel()
        token = uuid.uuid4().hex
        await layer.send(channel, {"type": "health.ping", "token": token})
        message = await layer.receive(channel)
        if message.get("token") != token:
            raise RuntimeError("channel layer returned a different message")

    async_to_sync(round_trip)()
    return type(layer).__name__


def check_all() -> dict[str, dict[str, Any]]:
    return {
        "database": _timed(_database),
        "tasks": _timed(_tasks),
        "channel_layer": _timed(_channel_layer),
    }


def public(report: dict[str, dict[str, Any]]) -> dict[str, dict[str, bool]]:
    """The report as anyone may see it: each component's ok and nothing else."""
    return {name: {"ok": bool(part["ok"])} for name, part in report.items()}
