"""Streamed responses served by the ASGI server chunk by chunk, not loaded whole.

Django's ASGI handler turns a synchronous streaming body (a FileResponse, a CSV export,
whitenoise's static files) into a list before it sends the first byte, with a warning:
a 200 MB download would hold 200 MB in the web worker. Our handler hands such a body to
the server as an asynchronous iterator that reads one chunk at a time in the request's
own sync thread (so a streamed export's database cursor stays in the thread that opened
it). A middleware cannot do this: Django runs a sync-capable middleware in sync mode when
the ones inside it are sync, which ours are."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, cast

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpResponseBase, StreamingHttpResponse

_END = object()


async def _one_chunk_at_a_time(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    def step() -> object:
        return next(chunks, _END)

    read = sync_to_async(step, thread_sensitive=True)
    while (chunk := await read()) is not _END:
        yield cast(bytes, chunk)


class StreamingASGIHandler(ASGIHandler):
    async def send_response(self, response: HttpResponseBase, send: Any) -> None:
        if isinstance(response, StreamingHttpResponse) and not response.is_async:
            chunks = cast(Iterator[bytes], response.streaming_content)
            response.streaming_content = _one_chunk_at_a_time(iter(chunks))
        await super().send_response(response, send)


def streaming_asgi_application() -> StreamingASGIHandler:
    """Like django.core.asgi.get_asgi_application, with our handler."""
    django.setup(set_prefix=False)
    return StreamingASGIHandler()
