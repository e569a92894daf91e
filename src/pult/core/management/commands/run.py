"""`pult run`: web (HTTP + WebSocket) and the task worker as one process tree.

Ctrl-C (or SIGTERM) stops both. In production run them separately under a process
manager: `pult run --no-worker --workers 4` behind a proxy and `pult worker` on as
many machines as needed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from pult.core.site import served_url


def uvicorn_command(*, host: str, port: int, workers: int, reload: bool = False) -> list[str]:
    """The web server's command line.

    Forwarded headers (X-Forwarded-For/-Proto) are honoured only with BEHIND_PROXY and
    only from FORWARDED_ALLOW_IPS, the list pult.core.network trusts too. Without a
    proxy they are ignored: uvicorn's default would believe them from any loopback
    client, which could then pick its own address and escape the login lockout.
    """
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "pult.config.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
    ]
    if settings.BEHIND_PROXY:
        allowed = ",".join(settings.FORWARDED_ALLOW_IPS)
        command += ["--proxy-headers", "--forwarded-allow-ips", allowed]
    else:
        command += ["--no-proxy-headers"]
    command += [
        "--no-server-header",
        "--log-level",
        "warning",
        # Chat frames are a message's HTML, a kilobyte: compressing each one for each
        # open socket cost more CPU in a fan-out than it saved on the wire.
        "--ws-per-message-deflate",
        "false",
    ]
    command += ["--reload"] if reload else ["--workers", str(workers)]
    return command


class Command(BaseCommand):
    help = "Serve Pult (web + WebSocket) and run the background worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS", "0")),
            help="Web worker processes (default: 1, or 2 per core with Redis).",
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the task worker."
        )
        parser.add_argument("--reload", action="store_true", help="Restart on code changes.")

    def handle(self, *args: Any, **options: Any) -> None:
        web = uvicorn_command(
            host=options["host"],
            port=options["port"],
            workers=options["workers"] or self._default_workers(),
            reload=options["reload"],
        )
        # The children build links (e-mails, feeds) from HOST and PORT when SITE_URL is
        # not set: they get the address actually served, --port included.
        env = {**os.environ, "HOST": options["host"], "PORT": str(options["port"])}
        children = [subprocess.Popen(web, env=env)]  # noqa: S603 - our own interpreter and arguments
        if not options["no_worker"]:
            worker = [sys.executable, "-m", "pult.cli", "worker"]
            children.append(subprocess.Popen(worker, env=env))  # noqa: S603 - as above
        served = served_url(options["host"], options["port"])
        self.stdout.write(self.style.SUCCESS(f"Pult is running on {served}/  (Ctrl-C stops it)"))

        def stop(*_: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
            sys.exit(0)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while True:
            for child in children:
                if child.poll() is not None:
                    self.stderr.write(f"A Pult process exited ({child.returncode}); stopping.")
                    stop()
            time.sleep(0.5)

    @staticmethod
    def _default_workers() -> int:
        # The in-memory channel layer lives inside one process: live updates need a
        # single web worker unless Redis carries them between workers.
        if not settings.REDIS_URL:
            return 1
        return max(2, (os.cpu_count() or 1) * 2)
