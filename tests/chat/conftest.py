"""The design desk of tests/work (head, designers, applicants of two outlets) for chat."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from tests.documents.conftest import media_root  # noqa: F401  (the fixture, shared)
from tests.work.conftest import Desk, desk  # noqa: F401  (the fixture, shared)


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Iterator[None]:
    """The in-memory layer is a process-wide singleton; start and end each test empty
    (and so do the consumers' shared access checks, keyed by ids a test may reuse)."""
    from pult.chat import consumers

    consumers._checks.clear()
    yield
    layer = get_channel_layer()
    if layer is not None and hasattr(layer, "flush"):
        async_to_sync(layer.flush)()
