"""The server under test: uvicorn with its workers, started and always stopped.

It runs as the production guide says (uvicorn, several workers, DEBUG off, PostgreSQL,
Redis carrying the channel layer between workers) on a free loopback port, in a process
group of its own so that stopping it can never leave a worker behind."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection

from pult.bench.client import wait_until_healthy

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    """The URL of the database this process is connected to (under pytest: the test
    database), so the server measures exactly the data the command sees."""
    db: dict[str, Any] = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError("pult bench measures PostgreSQL; DATABASE_URL points elsewhere")
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(str(db.get("HOST") or ""), safe="")  # a socket folder is percent-encoded
    port = f":{db['PORT']}" if db.get("PORT") else ""
    options = {k: v for k, v in (db.get("OPTIONS") or {}).items() if isinstance(v, str | int)}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}{host}{port}/{quote(str(db['NAME']), safe='')}{query}"


def media_root() -> str:
    """Where the files the command sees live (tests move them to a temporary folder)."""
    default = cast(dict[str, Any], settings.STORAGES.get("default") or {})
    location = (default.get("OPTIONS") or {}).get("location")
    return str(location or settings.MEDIA_ROOT)


def server_env(*, port: int, redis_url: str) -> dict[str, str]:
    """The production environment on plain-http loopback: DEBUG off, a fresh secret key,
    HTTPS=0 (the settings' own switch: no TLS on loopback, so no secure-only cookies and
    no redirect to https), the channel layer on Redis."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="pult.config.settings",
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"http://{HOST}:{port}",
        DATABASE_URL=database_url(),
        PULT_VAR_DIR=str(settings.VAR_DIR),
        MEDIA_ROOT=media_root(),
        LOG_LEVEL="WARNING",
    )
    env.pop("CSRF_TRUSTED_ORIGINS", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found += [int(p) for p in text.split()]
    except OSError:
        pass
    return found


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (VmRSS), None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def processes_in_group(pgid: int) -> list[int]:
    """Live processes of a process group (zombies excluded)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            pids.append(int(entry.name))
    return pids


class BenchServer:
    """`with BenchServer(env, port) as server:` starts uvicorn, waits for /healthz and
    stops the whole process group on the way out, whatever happened."""

    def __init__(self, env: dict[str, str], port: int, workers: int = 2) -> None:
        self.env = env
        self.port = port
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            prefix="pult-bench-server-", suffix=".log", delete=False
        )
        self.health: dict[str, Any] = {}

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "pult.config.asgi:application",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--lifespan",
            "off",
            "--no-access-log",
            "--no-server-header",
            "--ws-per-message-deflate",  # as `pult run` serves
            "false",
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            "3",
        ]

    def start(self, deadline: float) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
            self.command(),
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: one signal stops every worker
        )
        self.health = wait_until_healthy(
            HOST, self.port, deadline, alive=lambda: self.process is not None and self.alive()
        )
        # Every worker must answer before measuring: the supervisor spawns them one by
        # one, and a request landing on a worker still importing Django would count.
        limit = time.monotonic() + 30
        while len(self.worker_pids()) < self.workers and time.monotonic() < min(limit, deadline):
            time.sleep(0.1)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def worker_pids(self) -> list[int]:
        """The web workers: the supervisor's children started by multiprocessing's
        spawn (its resource tracker is a child too, but serves no requests)."""
        if self.process is None:
            return []
        workers = []
        for pid in _children(self.process.pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in cmdline:
                workers.append(pid)
        return workers

    def worker_rss_mb(self) -> dict[int, float]:
        found = {pid: rss_mb(pid) for pid in self.worker_pids()}
        return {pid: value for pid, value in found.items() if value is not None}

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM to the group, SIGKILL to whatever is left after a few seconds."""
        process = self.process
        if process is not None:
            pgid = process.pid  # start_new_session: the group id is the leader's pid
            for sig, wait in ((signal.SIGTERM, 8.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(pgid, sig)
                except ProcessLookupError:
                    break
                limit = time.monotonic() + wait
                while time.monotonic() < limit:
                    if process.poll() is not None and not processes_in_group(pgid):
                        break
                    time.sleep(0.05)
                else:
                    continue
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        self.log.close()

    def remove_log(self) -> None:
        Path(self.log.name).unlink(missing_ok=True)

    def __enter__(self) -> BenchServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
