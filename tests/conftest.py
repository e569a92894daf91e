"""Shared fixtures: a clean outbox directory, SMTP on loopback, workspaces."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from tests.factories import PASSWORD, make_workspace


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture(autouse=True)
def _fresh_pipeline_copies() -> None:
    # A rolled-back test may leave its ids to the next one (SQLite reuses them).
    from pult.work.pipeline_cache import forget_pipelines

    forget_pipelines()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # The same for cached figures keyed by ids (the desk's pace).
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> None:
    # A request in another language leaves it active in the thread (as Django does);
    # each test starts in the default one.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # argon2 stays the production hasher (see settings); tests hash quickly.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """Messages received by a real SMTP server (aiosmtpd) on loopback."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def bodies(self) -> list[str]:
        out = []
        for message in self.messages:
            part = message.get_body(("plain",)) if hasattr(message, "get_body") else None
            payload = (part or message).get_payload(decode=True)
            if isinstance(payload, bytes):
                out.append(payload.decode())
            else:
                for sub in message.walk():
                    if sub.get_content_type() == "text/plain":
                        out.append(sub.get_payload(decode=True).decode())
                        break
        return out


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    """Django configured to send to a real SMTP server on loopback (started)."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workspace_and_admin(db: None) -> tuple[Any, Any]:
    return make_workspace("Acme")


def login(client: Client, user: Any) -> Client:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def run_pult(*args: str, env: dict[str, str], cwd: Path, timeout: int = 180) -> str:
    """Run the `pult` command in a fresh process (its own settings from `env`)."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "pult.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# The design-desk workspace fixture, for every test package.
from tests.work.conftest import desk  # noqa: E402, F401


def dispatch_notifications() -> int:
    """Apply the notification rules to the events recorded so far, as the worker does
    after a commit. A test runs in one transaction that never commits, so the dispatch
    queued on commit never runs: the tests call the sweep the worker falls back on."""
    from pult.notifications.services import events_dispatch_due

    return events_dispatch_due(older_than=None, limit=10_000)
