"""Links that leave the browser (e-mails, unsubscribe links, the printed logins) point
at the address Pult serves on, unless SITE_URL names the public one."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from pult.activity.services import event_record
from pult.core.site import served_url, site_url
from pult.newsletters.services import unsubscribe_url
from pult.notifications.models import OutboundEmail
from pult.notifications.services import notify_users
from tests.factories import make_member, make_workspace
from tests.newsletters.factories import make_clients

ROOT = Path(__file__).resolve().parents[2]


def _mailed_links() -> str:
    """The body of a notification e-mail to a member of a fresh workspace."""
    workspace, admin = make_workspace()
    member = make_member(workspace, [])
    event = event_record(
        actor=admin, workspace=workspace, verb="accounts.member_changed", notify=False
    )
    notify_users(event=event, user_ids={member.pk})
    email = OutboundEmail.objects.get(to=member.email)
    return email.body_text + email.body_html


@pytest.mark.django_db
def test_without_site_url_links_use_the_served_port(settings: Any) -> None:
    settings.SITE_URL = ""
    settings.PORT = 8101
    assert site_url() == "http://127.0.0.1:8101"
    body = _mailed_links()
    assert "http://127.0.0.1:8101/" in body
    assert ":8000" not in body
    workspace, _admin = make_workspace()
    (contact,) = make_clients(workspace, 1)
    assert unsubscribe_url(contact).startswith("http://127.0.0.1:8101/")


@pytest.mark.django_db
def test_site_url_wins_over_the_served_port(settings: Any) -> None:
    settings.SITE_URL = "https://pult.example.com"
    settings.PORT = 8101
    body = _mailed_links()
    assert "https://pult.example.com/" in body
    assert "8101" not in body


@pytest.mark.django_db
def test_load_preset_prints_the_served_address(settings: Any) -> None:
    settings.SITE_URL = ""
    settings.PORT = 8101
    out = io.StringIO()
    call_command("load-preset", "expertise-orders", "--demo", "--scale", "0.1", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8101/" in text
    assert ":8000" not in text


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8101, "http://127.0.0.1:8101"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000"),  # noqa: S104 - an address, not a bind
        ("::", "9000", "http://127.0.0.1:9000"),
        ("::1", 8000, "http://[::1]:8000"),
        ("pult.local", 80, "http://pult.local:80"),
    ],
)
def test_served_url(host: str, port: int | str, url: str) -> None:
    assert served_url(host, port) == url


def _site_url_in_a_fresh_process(tmp_path: Path, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from pult.core.site import site_url; print(site_url())",
        ],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "pult.config.settings",
            "PULT_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            **env,
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_environment_sets_the_address(tmp_path: Path) -> None:
    assert _site_url_in_a_fresh_process(tmp_path) == "http://127.0.0.1:8000"
    assert _site_url_in_a_fresh_process(tmp_path, PORT="8101") == "http://127.0.0.1:8101"
    assert (
        _site_url_in_a_fresh_process(tmp_path, PORT="8101", SITE_URL="https://pult.example.com/")
        == "https://pult.example.com"
    )


class _FakeProcess:
    """A child of `pult run` that has already exited (so the command stops at once)."""

    launched: list[dict[str, str]] = []

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.launched.append(env)
        self.returncode = 0

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float = 0) -> int:
        return 0


def test_pult_run_serves_and_tells_its_children_the_port(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pult.core.management.commands import run

    settings.SITE_URL = ""
    _FakeProcess.launched = []
    monkeypatch.setattr(run.subprocess, "Popen", _FakeProcess)
    monkeypatch.setattr(run.signal, "signal", lambda *args: None)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("run", "--port", "8101", stdout=out, stderr=io.StringIO())
    assert "http://127.0.0.1:8101/" in out.getvalue()
    assert [env["PORT"] for env in _FakeProcess.launched] == ["8101", "8101"]
