"""The ASGI entry point as the web workers load it."""

from __future__ import annotations

import subprocess
import sys


def test_the_worker_freezes_what_it_loaded_out_of_the_collectors_way() -> None:
    # In a fresh interpreter, as uvicorn imports it: the test process has frozen nothing.
    probe = (
        "import gc, django.conf; assert gc.get_freeze_count() == 0; "
        "import pult.config.asgi; print(gc.get_freeze_count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert int(out.strip().splitlines()[-1]) > 10_000  # Django and the apps, at least
