"""Backups: one archive holding the database and the uploaded files.

PostgreSQL is dumped with pg_dump (custom format) and restored with pg_restore;
SQLite is copied with its online backup API (safe while Pult runs). Files on local
disk go into the archive; files on S3 stay in the bucket (enable versioning there).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

FORMAT_VERSION = 1


def _database() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def _program(name: str) -> str:
    """Full path of a PostgreSQL client program (Debian: apt-get install postgresql-client)."""
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed (package postgresql-client)")
    return path


def _media_root() -> Path | None:
    storage: Any = settings.STORAGES["default"]
    if storage["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        return None
    return Path(storage.get("OPTIONS", {}).get("location") or settings.MEDIA_ROOT)


def backup_create(output_dir: Path) -> Path:
    """Write `pult-backup-<UTC time>.tar.gz` into output_dir and return its path."""
    db = _database()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    output_dir.mkdir(parents=True, exist_ok=True)
    archive = output_dir / f"pult-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if connection.vendor == "postgresql":
            dump = work / "database.pgdump"
            subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [
                    _program("pg_dump"),
                    "-Fc",
                    "--no-owner",
                    "-f",
                    str(dump),
                    *_pg_args(db),
                    str(db["NAME"]),
                ],
                check=True,
                env=_pg_env(db),
            )
        elif connection.vendor == "sqlite":
            dump = work / "database.sqlite3"
            with sqlite3.connect(str(db["NAME"])) as source, sqlite3.connect(dump) as target:
                source.backup(target)
        else:
            raise RuntimeError(f"backups of {connection.vendor} are not supported")
        media = _media_root()
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": stamp,
            "database": connection.vendor,
            "media": "included" if media is not None else "object storage (not included)",
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=dump.name)
            if media is not None and media.exists():
                tar.add(media, arcname="media")
    archive.chmod(0o600)
    return archive


def backup_restore(archive: Path) -> dict[str, Any]:
    """Replace the database (and local files) with the archive's content."""
    db = _database()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        manifest: dict[str, Any] = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise RuntimeError("unknown backup format")
        if manifest["database"] != connection.vendor:
            raise RuntimeError(
                f"the backup holds a {manifest['database']} database, this is {connection.vendor}"
            )
        connection.close()
        if connection.vendor == "postgresql":
            restore = [
                _program("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                str(db["NAME"]),
                *_pg_args(db),
                str(work / "database.pgdump"),
            ]
            subprocess.run(restore, check=True, env=_pg_env(db))  # noqa: S603
        else:
            with (
                sqlite3.connect(work / "database.sqlite3") as source,
                sqlite3.connect(str(db["NAME"])) as target,
            ):
                source.backup(target)
        media = _media_root()
        if media is not None and (work / "media").exists():
            if media.exists():
                shutil.rmtree(media)
            shutil.copytree(work / "media", media)
    return manifest
