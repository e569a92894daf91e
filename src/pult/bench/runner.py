"""One `pult bench` run: probe the SQL, start the server, measure, stop — in bounded time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from pult.bench import scenarios as scenario_defs
from pult.bench.client import HttpSession
from pult.bench.load import BenchTimeout, run_chat, run_http
from pult.bench.report import (
    CHAT,
    THROUGHPUT_CONCURRENCY,
    Budget,
    ScenarioResult,
    evaluate_budgets,
)
from pult.bench.server import HOST, BenchServer, free_port, server_env
from pult.bench.stats import Summary
from pult.presets import seed_contract as contract

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Messages are sent one at a time and each waits for its fan-out to every socket, so
# the chat is capped: 50 round trips give a p95 and keep a run within minutes.
CHAT_MAX_MESSAGES = 50


@dataclass
class BenchOptions:
    scale: float = 1.0
    concurrency: int = 1
    requests: int = 200
    sockets: int = 200
    timeout: float = 600.0
    redis_url: str = ""
    floor_runs: int = 5
    workers: int = 2
    only: tuple[str, ...] = ()  # scenario names; empty: all


@dataclass
class BenchRun:
    results: list[ScenarioResult]
    budgets: list[Budget]
    meta: dict[str, Any]
    throughput: Summary | None = None
    timed_out: bool = False
    warnings: list[str] = field(default_factory=list)


def reference_loop_ms(rounds: int = 3) -> float:
    """How long a fixed piece of pure Python takes on this machine now (best of a few
    rounds): the same code runs at very different speeds on different machines, and on
    one virtual machine from hour to hour, so a run's figures come with this one."""
    best = float("inf")
    for _round in range(rounds):
        started = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping())
    except Exception:
        return False


def _probe(
    items: list[scenario_defs.Scenario],
    tokens: dict[str, str],
    env: dict[str, str],
    *,
    runs: int,
    deadline: float,
) -> dict[str, Any]:
    """Query counts and floors from a process with the server's settings."""
    specs: list[dict[str, Any]] = []
    for s in items:
        if s.kind == CHAT:
            specs.append(
                {
                    "name": s.name,
                    "chat": True,
                    "email": s.email,
                    "item_id": s.item_id,
                    "workspace_id": s.workspace.pk,
                    "marker": scenario_defs.MARKER,
                }
            )
            continue
        headers = {"Authorization": f"Bearer {tokens[s.email]}"} if s.token else {}
        specs.append(
            {
                "name": s.name,
                "email": s.email,
                "method": s.method,
                "path": s.path,
                "headers": headers,
                "body": s.body(-1).decode() if s.body else None,
                "expect": list(s.expect),
            }
        )
    answer = subprocess.run(
        [sys.executable, "-m", "pult.bench.probe"],
        input=json.dumps({"scenarios": specs, "floor_runs": runs}),
        env=env,
        capture_output=True,
        text=True,
        timeout=max(1.0, deadline - time.monotonic()),
        check=False,
    )
    if answer.returncode != 0:
        raise RuntimeError(f"the SQL probe failed:\n{answer.stderr[-2000:]}")
    return dict(json.loads(answer.stdout))


def run(options: BenchOptions, say: Callable[[str], None]) -> BenchRun:
    """Measure every scenario; the server is stopped whatever happens, and nothing runs
    past `options.timeout` seconds (a watchdog kills the server if the run hangs)."""
    from pult.api.services import api_token_create, api_token_revoke

    deadline = time.monotonic() + options.timeout
    reference_at_start = reference_loop_ms()
    warnings: list[str] = []
    redis_url = options.redis_url
    if redis_url and not redis_answers(redis_url):
        warnings.append(f"Redis at {redis_url} does not answer")
        redis_url = ""
    if not redis_url:
        warnings.append(
            "No Redis: the chat scenario needs it to carry messages between the "
            f"{options.workers} workers (pass --redis-url); it is skipped."
        )
    scenario_defs.remove_bench_rows()  # what an interrupted run may have left
    items = scenario_defs.build(sockets=options.sockets)
    if options.only:
        unknown = set(options.only) - {s.name for s in items}
        if unknown:
            raise ValueError(
                _("Unknown scenario: %(names)s. Scenarios: %(known)s.")
                % {
                    "names": ", ".join(sorted(unknown)),
                    "known": ", ".join(s.name for s in items),
                }
            )
        items = [s for s in items if s.name in options.only]
    port = free_port()
    env = server_env(port=port, redis_url=redis_url)

    tokens: dict[str, str] = {}
    created = []
    results: dict[str, ScenarioResult] = {
        s.name: ScenarioResult(s.name, s.label, s.kind, extra=dict(s.extra)) for s in items
    }
    throughput: Summary | None = None
    timed_out = False
    server = BenchServer(env, port, workers=options.workers)
    watchdog = threading.Timer(options.timeout + 30, server.stop)
    watchdog.daemon = True
    try:
        for s in items:
            if s.token and s.email not in tokens:
                from pult.accounts.models import User

                user = User.objects.get(email=s.email)
                token, raw = api_token_create(actor=user, workspace=s.workspace, name="pult bench")
                tokens[s.email] = raw
                created.append((user, token))
        say("SQL: counting queries and timing the floor…")
        probed = _probe(items, tokens, env, runs=options.floor_runs, deadline=deadline)
        for name, found in probed.items():
            result = results[name]
            result.queries = found.get("queries")
            result.floor_ms = found.get("floor_ms")
            result.error = found.get("error", "")
            for key in ("slowest_ms", "slowest_sql", "slowest_plan", "floor_failed"):
                if key in found:
                    result.extra[key] = found[key]

        say(f"Server: uvicorn, {options.workers} workers, http://{HOST}:{port}/ …")
        watchdog.start()
        server.start(deadline)
        sessions: dict[str, HttpSession] = {}
        script = HttpSession(HOST, port)  # the API's client: its token, no session cookie
        for s in items:
            if s.email not in sessions and not s.token:
                session = HttpSession(HOST, port)
                session.login(s.email, contract.PASSWORD)
                session.close()
                sessions[s.email] = session
        warmup = min(20, max(2, options.requests // 10))
        for s in items:
            result = results[s.name]
            try:
                if s.kind == CHAT:
                    if not redis_url:
                        result.error = "skipped: needs Redis"
                        continue
                    assert s.item_id is not None
                    chat = run_chat(
                        HOST,
                        port,
                        s.item_id,
                        sessions[s.email],
                        sockets=options.sockets,
                        messages=min(options.requests, CHAT_MAX_MESSAGES),
                        warmup=min(5, warmup),
                        deadline=deadline,
                    )
                    result.summary = chat.round_trip
                    result.extra.update(
                        sockets=chat.sockets,
                        fanout_p50_ms=round(chat.fanout.p50_ms, 2),
                        fanout_p95_ms=round(chat.fanout.p95_ms, 2),
                        connect_s=round(chat.connect_seconds, 2),
                    )
                    if chat.error:
                        result.extra["last_error"] = chat.error
                else:
                    headers = {"Authorization": f"Bearer {tokens[s.email]}"} if s.token else {}
                    summary, last_error = run_http(
                        script if s.token else sessions[s.email],
                        lambda n, s=s, h=headers: s.call(n, h),  # type: ignore[misc]
                        requests=options.requests,
                        concurrency=options.concurrency,
                        warmup=warmup,
                        deadline=deadline,
                        expect=s.expect,
                    )
                    result.summary = summary
                    if last_error:
                        result.extra["last_error"] = last_error
            except BenchTimeout:
                timed_out = True
                break
            except Exception as error:  # one broken scenario must not hide the others
                result.error = f"{type(error).__name__}: {error}"[:300]
            finally:
                if result.summary and result.summary.count:
                    say(
                        f"  {s.name}: p95 {result.summary.p95_ms:.1f} ms, "
                        f"{result.summary.rps:.0f} req/s"
                    )
        api_list = next((s for s in items if s.name == "api_item_list"), None)
        if api_list is not None and not timed_out:
            try:
                headers = {"Authorization": f"Bearer {tokens[api_list.email]}"}
                throughput, _last_error = run_http(
                    script,
                    lambda n: api_list.call(n, headers),
                    requests=max(options.requests, 2 * THROUGHPUT_CONCURRENCY),
                    concurrency=THROUGHPUT_CONCURRENCY,
                    warmup=warmup,
                    deadline=deadline,
                )
                say(
                    f"  api_item_list at concurrency {THROUGHPUT_CONCURRENCY}: "
                    f"{throughput.rps:.0f} req/s"
                )
            except BenchTimeout:
                timed_out = True
        worker_rss = server.worker_rss_mb()
        server_info = {"pid": server.pid, "port": port, "workers": server.worker_pids()}
    except Exception:
        tail = server.log_tail()
        if tail:
            say("Server log (last lines):\n" + tail)
        raise
    finally:
        watchdog.cancel()
        server.stop()
        server.remove_log()
        for user, token in created:
            api_token_revoke(actor=user, token_id=token.pk)
        scenario_defs.remove_bench_rows()
    if timed_out:
        for result in results.values():
            if result.summary is None and not result.error:
                result.error = "not measured: time limit reached"
    ordered = [results[s.name] for s in items]
    budgets = evaluate_budgets(
        ordered,
        concurrency=options.concurrency,
        sockets=options.sockets,
        throughput=throughput,
        worker_rss_mb=worker_rss,
    )
    meta = {
        "scale": options.scale,
        "seed_items": scenario_defs.seed_item_count(),
        "requests": options.requests,
        "concurrency": options.concurrency,
        "sockets": options.sockets,
        "server": server_info,
        "worker_rss_mb": {str(pid): round(rss, 1) for pid, rss in worker_rss.items()},
        "api_item_list_rps_c8": round(throughput.rps, 1) if throughput else None,
        "redis": bool(redis_url),
        "postgresql": connection.pg_version if connection.vendor == "postgresql" else None,  # type: ignore[attr-defined]
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpu_reference_ms": [reference_at_start, reference_loop_ms()],
        "timed_out": timed_out,
        "warnings": warnings,
    }
    return BenchRun(ordered, budgets, meta, throughput, timed_out, warnings)
