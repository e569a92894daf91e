"""Browser fixtures: the real ASGI app under uvicorn, driven by a headless Chromium."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import free_port
from tests.factories import PASSWORD
from tests.work.conftest import desk  # noqa: F401  (the design-desk workspace, for journeys)

OVERVIEW_URL = re.compile(r"^http://127\.0\.0\.1:\d+/$")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _dispatch_until(stop: threading.Event) -> None:
    from django.db import connection

    from pult.notifications.services import events_dispatch_due

    try:
        while not stop.wait(0.1):
            events_dispatch_due(older_than=None)
    finally:
        connection.close()


def settle_notifications(timeout: float = 10.0) -> None:
    """Wait until the worker beside the server has dispatched every committed event's
    notifications (what a user sees a moment after their action)."""
    from pult.notifications.models import EventDispatch

    deadline = time.monotonic() + timeout
    while EventDispatch.objects.filter(notified_at__isnull=True).exists():
        assert time.monotonic() < deadline, "notifications were not dispatched"
        time.sleep(0.05)


@pytest.fixture
def live_url(transactional_db: None) -> Iterator[str]:
    """The ASGI application served by uvicorn in a thread; returns its base URL.

    transactional_db: rows the test creates are committed, so the server's own
    threads (and their own database connections) see them.
    """
    from pult.config.asgi import application

    # Under ASGI, Django opens connections in short-lived or pool threads that it
    # does not always close (error pages, for one); close them all at the end so
    # the test database can be flushed and dropped.
    opened: list[BaseDatabaseWrapper] = []

    def remember(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
        opened.append(connection)

    connection_created.connect(remember, weak=False)
    config = uvicorn.Config(
        application, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        threading.Event().wait(0.02)  # uvicorn offers a flag, not an event, for startup
    assert server.started, "uvicorn did not start"
    # Beside the web, as `pult run` runs the worker: notifications are dispatched after
    # each write commits (here by the worker's sweep, every tenth of a second).
    stop = threading.Event()
    dispatcher = threading.Thread(target=_dispatch_until, args=(stop,), name="dispatch")
    dispatcher.start()
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        stop.set()
        dispatcher.join(timeout=10)
        server.should_exit = True
        thread.join(timeout=10)
        connection_created.disconnect(remember)
        for connection in opened:
            connection.inc_thread_sharing()
            try:
                connection.close()
            finally:
                connection.dec_thread_sharing()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module. Module scope, not session: Playwright's sync API
    keeps an event loop running in the test thread, which must be gone before other
    modules' async tests run their own loops."""
    # The ORM calls the tests make between browser steps are plain synchronous code,
    # even though Playwright's loop is running in this thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def new_page(browser: Browser, live_url: str) -> Iterator[Callable[..., Page]]:
    """Opens a page in a fresh context (own cookies); keyword arguments go to the context."""
    contexts = []

    def open_page(**options: Any) -> Page:
        options = {"locale": "en-US", "base_url": live_url, **options}
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Logs in through the login page, as a person would, and waits for the overview."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(OVERVIEW_URL)
