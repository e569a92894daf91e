"""`pult backup` and `pult restore` bring the data and files back, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import run_pult

USERS = "from pult.accounts.models import User; users = User.objects"
SHOW = USERS + "; print(sorted(users.values_list('email', flat=True)))"
DROP = USERS + "; users.filter(email='staff@pult.demo').delete()"


def _round_trip(env: dict[str, str], tmp_path: Path) -> None:
    run_pult("migrate", "-v0", env=env, cwd=tmp_path)
    run_pult("demo", env=env, cwd=tmp_path)
    media = tmp_path / "media" / "avatars"
    media.mkdir(parents=True)
    (media / "a.png").write_bytes(b"png")
    out = run_pult("backup", "--output", str(tmp_path / "backups"), env=env, cwd=tmp_path)
    archive = Path(out.strip().split("Backup written: ")[-1])
    assert archive.is_file()
    run_pult("shell", "-c", DROP, env=env, cwd=tmp_path)
    (media / "a.png").unlink()
    assert "staff@pult.demo" not in run_pult("shell", "-c", SHOW, env=env, cwd=tmp_path)
    refused = subprocess.run(
        [sys.executable, "-m", "pult.cli", "restore", str(archive)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0 and "--yes" in refused.stderr
    run_pult("restore", str(archive), "--yes", env=env, cwd=tmp_path)
    assert "staff@pult.demo" in run_pult("shell", "-c", SHOW, env=env, cwd=tmp_path)
    assert (media / "a.png").read_bytes() == b"png"


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}},
        "PULT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
    }


def test_sqlite_round_trip(tmp_path: Path) -> None:
    _round_trip(_env(tmp_path, f"sqlite:///{tmp_path}/db.sqlite3"), tmp_path)


def test_postgresql_round_trip(tmp_path: Path) -> None:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.fail("the main test run uses PostgreSQL (DATABASE_URL=postgres://…)")
    name = f"pult_backup_{uuid.uuid4().hex[:8]}"
    server = base.rsplit("/", 1)[0]
    admin = ["psql", f"{server}/postgres", "-q", "-c"]
    subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True)
    try:
        _round_trip(_env(tmp_path, f"{server}/{name}"), tmp_path)
    finally:
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
