"""`pult workspace create NAME [--slug S] [--admin EMAIL]` and `pult workspace list`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pult.accounts.models import Membership, User, Workspace
from pult.accounts.services import workspace_create
from pult.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Create or list workspaces (organisations hosted by this installation)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("name")
        create.add_argument("--slug", default="")
        create.add_argument("--admin", help="E-mail of an existing user who becomes its admin.")
        sub.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for workspace in Workspace.objects.order_by("name"):
                members = Membership.objects.filter(workspace=workspace).count()
                self.stdout.write(f"{workspace.slug}\t{workspace.name}\t{members} members")
            return
        admin = None
        if options["admin"]:
            admin = User.objects.filter(email__iexact=options["admin"]).first()
            if admin is None:
                raise CommandError(f"No user with e-mail {options['admin']}")
            if not admin.is_superuser:
                raise CommandError("The admin must be an installation admin (createsuperuser).")
        try:
            workspace = workspace_create(actor=admin, name=options["name"], slug=options["slug"])
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"Created workspace {workspace.slug}"))
