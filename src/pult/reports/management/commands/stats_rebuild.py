"""`pult stats_rebuild [slug …]`: recompute the statistics rollup from the items."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pult.accounts.models import Workspace
from pult.reports import rollup


class Command(BaseCommand):
    help = "Recompute the statistics rollup of the workspaces (all when none are named)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="workspace slugs")

    def handle(self, *args: Any, **options: Any) -> None:
        if not rollup.enabled():
            self.stdout.write("The statistics rollup needs PostgreSQL; the page computes live.")
            return
        workspaces = Workspace.objects.order_by("pk")
        if options["slugs"]:
            workspaces = workspaces.filter(slug__in=options["slugs"])
        for workspace in workspaces:
            rows = rollup.rebuild(workspace)
            self.stdout.write(f"{workspace.slug}: {rows} rollup rows")
        rollup.vacuum()
