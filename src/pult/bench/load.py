"""The load loops: N requests at concurrency C over kept-alive connections, and the chat
round trip over WebSocket with many sockets open. Both stop at the run's deadline."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pult.bench.client import HttpSession
from pult.bench.stats import Summary, summarise


class BenchTimeout(Exception):
    """The run's time limit passed."""


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] | None = None


def _one(session: HttpSession, call: Call, expect: Sequence[int]) -> tuple[float, str]:
    """Latency of one request in ms, including reading the whole body; an error text."""
    started = time.perf_counter()
    try:
        answer = session.request(call.method, call.path, call.body, call.headers)
    except OSError as error:
        return (time.perf_counter() - started) * 1000, f"{type(error).__name__}: {error}"
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status not in expect:
        return elapsed, f"HTTP {answer.status} on {call.method} {call.path}"
    return elapsed, ""


def run_http(
    base: HttpSession,
    make_call: Callable[[int], Call],
    *,
    requests: int,
    concurrency: int,
    warmup: int,
    deadline: float,
    expect: Sequence[int] = (200,),
) -> tuple[Summary, str]:
    """`requests` timed requests shared by `concurrency` threads, each on its own
    connection with the session's cookies. Warm-up requests (not timed) run first, then
    every thread opens its connection before the clock starts."""
    counter = itertools.count()
    warm = HttpSession.clone(base)
    try:
        for _ in range(warmup):
            if time.monotonic() > deadline:
                raise BenchTimeout
            _one(warm, make_call(next(counter)), expect)
    finally:
        warm.close()

    timed = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    ready = threading.Barrier(concurrency + 1)

    def worker() -> None:
        session = base.clone()
        try:
            _one(session, make_call(next(counter)), expect)  # opens the connection
            ready.wait()
            while time.monotonic() < deadline:
                with lock:
                    n = next(timed)
                if n >= requests:
                    return
                elapsed, error = _one(session, make_call(next(counter)), expect)
                with lock:
                    (errors.append(error) if error else latencies.append(elapsed))
        except threading.BrokenBarrierError:
            return
        finally:
            session.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    try:
        ready.wait(timeout=max(1.0, deadline - time.monotonic()))
    except threading.BrokenBarrierError as error:
        raise BenchTimeout from error
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic() + 35))
    wall = time.perf_counter() - started
    if time.monotonic() > deadline and len(latencies) + len(errors) < requests:
        raise BenchTimeout
    return summarise(latencies, wall, errors=len(errors)), (errors[-1] if errors else "")


# --- Chat over WebSocket ----------------------------------------------------------------

_MARK = re.compile(r"\[bench\] chat (\d+)")


@dataclass
class ChatResult:
    round_trip: Summary
    fanout: Summary  # until every open socket had the message
    sockets: int
    connect_seconds: float
    error: str = ""


async def _chat(
    url: str,
    origin: str,
    cookie: str,
    *,
    sockets: int,
    messages: int,
    warmup: int,
    deadline: float,
) -> ChatResult:
    from websockets.asyncio.client import connect

    opened: list[Any] = []
    arrivals: dict[int, dict[int, float]] = {}
    watcher_got: dict[int, asyncio.Event] = {}
    all_got: dict[int, asyncio.Event] = {}
    sent_at: dict[int, float] = {}
    problems: list[str] = []

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise BenchTimeout
        return left

    async def open_one() -> Any:
        return await connect(
            url,
            origin=origin,  # type: ignore[arg-type]
            additional_headers={"Cookie": cookie},
            proxy=None,
            open_timeout=min(30.0, remaining()),
            max_queue=None,
        )

    async def reader(index: int, ws: Any) -> None:
        try:
            async for frame in ws:
                now = time.perf_counter()
                data = json.loads(frame)
                if data.get("type") == "error":
                    problems.append(str(data))
                if data.get("type") != "message":
                    continue
                found = _MARK.search(data.get("html", ""))
                if found is None:
                    continue
                n = int(found.group(1))
                got = arrivals.setdefault(n, {})
                got.setdefault(index, now)
                if index == 1 and n in watcher_got:
                    watcher_got[n].set()
                if len(got) == len(opened) and n in all_got:
                    all_got[n].set()
        except Exception as error:  # a closed socket ends its reader
            problems.append(f"socket {index}: {type(error).__name__}: {error}")

    started = time.perf_counter()
    readers: list[asyncio.Task[None]] = []
    try:
        for batch in range(0, sockets, 25):  # as browsers arrive: a few at a time
            count = min(25, sockets - batch)
            opened += await asyncio.gather(*(open_one() for _ in range(count)))
        connect_seconds = time.perf_counter() - started
        readers = [asyncio.create_task(reader(i, ws)) for i, ws in enumerate(opened)]
        sender = opened[0]
        round_trips: list[float] = []
        fanouts: list[float] = []
        failures = 0
        timed_started = time.perf_counter()
        for n in range(warmup + messages):
            if n == warmup:
                timed_started = time.perf_counter()
            watcher_got[n] = asyncio.Event()
            all_got[n] = asyncio.Event()
            sent_at[n] = time.perf_counter()
            try:
                await sender.send(
                    json.dumps({"type": "post", "body": f"[bench] chat {n}", "ref": n})
                )
            except Exception as error:  # the server closed the sender: report what we have
                problems.append(f"sender: {type(error).__name__}: {error}")
                failures += warmup + messages - n
                break
            try:
                await asyncio.wait_for(watcher_got[n].wait(), timeout=min(20.0, remaining()))
                await asyncio.wait_for(all_got[n].wait(), timeout=min(30.0, remaining()))
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise BenchTimeout from None
                failures += 1
                if len(opened) - sum(1 for t in readers if t.done()) < 2:
                    break  # the sockets are gone: nothing more to measure
                continue
            if n >= warmup:
                got = arrivals[n]
                round_trips.append((got[1] - sent_at[n]) * 1000)
                fanouts.append((max(got.values()) - sent_at[n]) * 1000)
        wall = time.perf_counter() - timed_started
        return ChatResult(
            round_trip=summarise(round_trips, wall, errors=failures),
            fanout=summarise(fanouts, wall, errors=failures),
            sockets=len(opened),
            connect_seconds=connect_seconds,
            error=problems[-1] if problems else "",
        )
    finally:
        for task in readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in opened), *readers, return_exceptions=True)


def run_chat(
    host: str,
    port: int,
    item_id: int,
    session: HttpSession,
    *,
    sockets: int,
    messages: int,
    warmup: int,
    deadline: float,
) -> ChatResult:
    """Open `sockets` sockets on one item's chat as the session's user; socket 0 posts,
    and each message's round trip is the time until socket 1 shows it (the fan-out:
    until every socket does). One message in flight at a time."""
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    return asyncio.run(
        _chat(
            f"ws://{host}:{port}/ws/items/{item_id}/chat/",
            session.origin,
            cookie,
            sockets=max(2, sockets),
            messages=messages,
            warmup=warmup,
            deadline=deadline,
        )
    )
