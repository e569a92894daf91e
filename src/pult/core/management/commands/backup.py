"""`pult backup [--output DIR]`: the database and local files in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from pult.core.backup import backup_create


class Command(BaseCommand):
    help = "Write a backup archive (database + uploaded files)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            default=str(settings.VAR_DIR / "backups"),
            help="Folder for the archive (default: var/backups).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = backup_create(Path(options["output"]))
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive}"))
