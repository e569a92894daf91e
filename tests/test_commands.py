"""The `pult` command: workspace creation, the demo, production settings checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pult.access.models import Role
from pult.accounts.models import Membership, User, Workspace
from tests.factories import make_admin

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_workspace_create_command() -> None:
    admin = make_admin("boss@example.com")
    call_command("workspace", "create", "Franchise Desk", "--admin", "boss@example.com")
    workspace = Workspace.objects.get(slug="franchise-desk")
    membership = Membership.objects.get(workspace=workspace, user=admin)
    assert [r.name for r in membership.roles.all()] == ["Administrator"]
    with pytest.raises(CommandError, match="already exists"):
        call_command("workspace", "create", "Franchise Desk")


@pytest.mark.django_db
def test_demo_is_idempotent() -> None:
    call_command("demo")
    call_command("demo")
    assert Workspace.objects.filter(slug="demo").count() == 1
    assert User.objects.get(email="admin@pult.demo").check_password("lamp-river-42")
    assert Role.objects.filter(workspace__slug="demo").count() == 3


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-" + "y" * 30,
        "ALLOWED_HOSTS": "pult.example.com",
        "SITE_URL": "https://pult.example.com",
        "PULT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pult.cli", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
