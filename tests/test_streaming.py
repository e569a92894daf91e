"""Downloads reach the ASGI server chunk by chunk: Django would otherwise read the whole
file into the web worker's memory first (and warn that it did)."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import Client

from pult.core.streaming import StreamingASGIHandler
from pult.documents import services
from tests.documents.conftest import pdf_bytes, upload
from tests.work.conftest import Desk

# The handler runs the view in a thread of its own: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def _asgi_get(path: str, cookie: str) -> list[dict[str, Any]]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays connected until the end
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async_to_sync(StreamingASGIHandler())(scope, receive, send)
    return sent


def test_a_download_is_streamed_to_the_asgi_server(desk: Desk) -> None:
    big = pdf_bytes() + b"\n%" + b"x" * 300_000 + b"\n%%EOF\n"
    item = desk.submit()
    attachment = services.attachment_add(
        actor=desk.applicant,
        workspace=desk.workspace,
        item_id=item.pk,
        upload=upload("big.pdf", big),
        kind="input",
    )
    web = Client()
    web.force_login(desk.applicant)
    session = web.cookies[settings.SESSION_COOKIE_NAME].value
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sent = _asgi_get(f"/files/{attachment.pk}/", f"{settings.SESSION_COOKIE_NAME}={session}")
    assert sent[0]["type"] == "http.response.start"
    assert sent[0]["status"] == 200
    bodies = [m.get("body", b"") for m in sent if m["type"] == "http.response.body"]
    chunks = [body for body in bodies if body]
    assert b"".join(chunks) == big
    assert len(chunks) > 1
    assert not [str(w.message) for w in caught if "iterators" in str(w.message)]
