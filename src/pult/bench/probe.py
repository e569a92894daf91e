"""The SQL of one request, counted and replayed alone (the floor).

Run as `python -m pult.bench.probe` with the server's environment, so that its
settings (DEBUG, Redis, task backend) are the server's and the SQL is what a worker
runs. It reads the scenarios as JSON on stdin and writes, per scenario, the number of
statements of one warm request, the floor (those statements replayed with their
parameters, best of several runs) and the slowest statement with its plan.

In-process requests go through Django's test Client on the same database and as the
same user, so middleware, session and auth queries count like on the server."""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SKIP_PREFIXES = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
WRITE_PREFIXES = ("INSERT", "UPDATE", "DELETE")
Statement = tuple[str, Any, bool]


class Recorder:
    """A database execute wrapper that keeps each statement with its parameters."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)


@contextmanager
def recording() -> Iterator[Recorder]:
    from django.db import connection

    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        yield recorder


def replayable(statements: list[Statement]) -> list[Statement]:
    """What the page asked the database: transaction bookkeeping is left out."""
    return [s for s in statements if not s[0].lstrip().upper().startswith(SKIP_PREFIXES)]


def _run_once(statements: list[Statement]) -> tuple[list[float], int]:
    """Each statement executed and fetched on its own, timed; writes in a savepoint of a
    transaction rolled back at the end, so the replay leaves no trace."""
    from django.db import connection, transaction

    timings: list[float] = []
    failed = 0
    connection.ensure_connection()
    with transaction.atomic():
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # the driver's cursor: no Django overhead in the floor
            for sql, params, many in statements:
                write = sql.lstrip().upper().startswith(WRITE_PREFIXES)
                savepoint = transaction.savepoint() if write else None
                started = time.perf_counter()
                try:
                    if many:
                        cursor.executemany(sql, params)
                    else:
                        cursor.execute(sql, params)
                    if cursor.description is not None:
                        cursor.fetchall()
                except Exception:
                    timings.append(0.0)
                    failed += 1
                    if savepoint is not None:
                        transaction.savepoint_rollback(savepoint)
                    else:
                        raise
                    continue
                timings.append((time.perf_counter() - started) * 1000)
                if savepoint is not None:
                    transaction.savepoint_commit(savepoint)
        transaction.set_rollback(True)
    return timings, failed


def floor(statements: list[Statement], runs: int) -> dict[str, Any]:
    """Best total of `runs` replays, and the slowest statement (its best time)."""
    statements = replayable(statements)
    if not statements:
        return {"floor_ms": 0.0, "floor_failed": 0}
    totals: list[float] = []
    best = [float("inf")] * len(statements)
    failed = 0
    for _ in range(runs):
        timings, failed = _run_once(statements)
        totals.append(sum(timings))
        best = [min(a, b) for a, b in zip(best, timings, strict=True)]
    slowest = max(range(len(statements)), key=lambda i: best[i])
    return {
        "floor_ms": min(totals),
        "floor_failed": failed,
        "slowest_ms": best[slowest],
        "slowest_sql": _interpolated(*statements[slowest][:2]),
        "slowest_plan": _plan(*statements[slowest][:2]),
    }


def _interpolated(sql: str, params: Any) -> str:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            return str(connection.ops.last_executed_query(cursor, sql, params) or sql)
    except Exception:
        return sql


def _plan(sql: str, params: Any) -> list[str]:
    """EXPLAIN ANALYZE of a read (writes are not re-run for a plan)."""
    from django.db import connection, transaction

    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            lines = [str(row[0]) for row in cursor.fetchall()]
            transaction.set_rollback(True)
            return lines
    except Exception as error:
        return [f"(no plan: {error})"]


def probe_http(spec: dict[str, Any], runs: int) -> dict[str, Any]:
    from django.test import Client

    from pult.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    headers = dict(spec.get("headers") or {})
    if "Authorization" not in headers:
        user = User.objects.get(email=spec["email"])
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    body = spec.get("body")
    statements: list[Statement] = []
    status = 0
    try:
        for _ in range(2):  # the first request warms the process's caches
            with recording() as recorder:
                response = client.generic(
                    spec["method"],
                    spec["path"],
                    data=(body or "").encode(),
                    content_type="application/json",
                    headers=headers,
                )
                if response.streaming:
                    b"".join(response.streaming_content)  # type: ignore[attr-defined]
                response.close()
            status = response.status_code
            statements = recorder.statements
    finally:
        client.logout()
    result: dict[str, Any] = {"status": status, "queries": len(statements)}
    if status not in spec.get("expect", [200]):
        result["error"] = f"in-process request answered HTTP {status}"
    result.update(floor(statements, runs))
    return result


def probe_chat(spec: dict[str, Any], runs: int) -> dict[str, Any]:
    """A round trip's SQL: the sender's post and one receiving socket's load and render
    (a process loads a new message once; its other sockets render from memory)."""
    from pult.accounts.models import User
    from pult.chat.consumers import ItemChatConsumer

    user = User.objects.get(email=spec["email"])
    consumer = ItemChatConsumer()
    consumer.user_id = user.pk
    consumer.item_id = int(spec["item_id"])
    consumer.workspace_id = int(spec["workspace_id"])
    statements: list[Statement] = []
    for attempt in range(2):
        with recording() as recorder:
            reply = consumer._handle("post", {"body": f"{spec['marker']} probe {attempt}"})
            if not reply or reply.get("type") != "posted":
                return {"queries": None, "error": f"chat post refused: {reply}"}
            consumer._load_and_render(int(reply["id"]))
        statements = recorder.statements
    result: dict[str, Any] = {"queries": len(statements)}
    result.update(floor(statements, runs))
    return result


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pult.config.settings")
    import django

    django.setup()
    spec = json.load(sys.stdin)
    runs = int(spec.get("floor_runs", 5))
    out: dict[str, Any] = {}
    for scenario in spec.get("scenarios", []):
        try:
            if scenario.get("chat"):
                out[scenario["name"]] = probe_chat(scenario, runs)
            else:
                out[scenario["name"]] = probe_http(scenario, runs)
        except Exception as error:
            traceback.print_exc(file=sys.stderr)
            out[scenario["name"]] = {"queries": None, "error": f"probe: {error!r}"[:500]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
