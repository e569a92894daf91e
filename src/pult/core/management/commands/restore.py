"""`pult restore ARCHIVE --yes`: replace the database and local files with a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pult.core.backup import backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive made by `pult backup` (stop Pult first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: the current data is replaced."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"No such archive: {archive}")
        if not options["yes"]:
            raise CommandError("This replaces the current data. Run again with --yes.")
        try:
            manifest = backup_restore(archive)
        except (RuntimeError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} ({manifest['database']})."
            )
        )
