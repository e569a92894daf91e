"""`pult load-preset NAME [--slug S] [--name "…"] [--demo] [--scale F] [--seed N]`.

Creates a workspace running the preset (roles, pipelines, rules, calendar); loading it
again changes nothing. `--demo` also fills it with demo data (a workspace that already
has work items is left alone) and prints the demo logins.

The module name has a hyphen on purpose: Django names a command after its file, and
the documented command is `load-preset`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from pult.access.models import Role
from pult.accounts.models import Membership, User, Workspace
from pult.accounts.services import member_add
from pult.core.exceptions import DomainError
from pult.core.site import site_url
from pult.presets.demo import DEMOS, describe_demo
from pult.presets.services import PRESETS, preset_data, preset_load
from pult.work.models import ItemType


class Command(BaseCommand):
    help = "Create a workspace running a preset (idempotent); --demo adds demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help=f"The preset: {', '.join(PRESETS)}.")
        parser.add_argument("--slug", default="", help="Short name (default: the preset's).")
        parser.add_argument("--name", dest="workspace_name", default="", help="Workspace name.")
        parser.add_argument("--demo", action="store_true", help="Fill it with demo data.")
        parser.add_argument(
            "--admin",
            default="",
            help="E-mail of an existing user to add as the workspace's administrator.",
        )
        parser.add_argument(
            "--scale", type=float, default=None, help="Demo size; 1.0 = the case study's."
        )
        parser.add_argument("--seed", type=int, default=None, help="Demo random seed.")

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["name"]
        if not options["demo"] and (options["scale"] is not None or options["seed"] is not None):
            raise CommandError("--scale and --seed only make sense with --demo.")
        scale = 1.0 if options["scale"] is None else options["scale"]
        if not 0 < scale <= 20:
            raise CommandError("--scale must be above 0 and at most 20.")
        slug = slugify(options["slug"] or name)
        try:
            preset_data(name)  # an unknown name fails before anything is read or written
            existed = Workspace.objects.filter(slug=slug).exists()
            workspace = preset_load(name, slug=slug, workspace_name=options["workspace_name"])
        except DomainError as error:
            raise CommandError(error.message) from error
        if existed:
            self.stdout.write(f"Workspace {workspace.slug} already runs the preset {name}.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Created workspace {workspace.slug} ({workspace.name})")
                + f" running the preset {name}:"
            )
            self._describe(workspace, demo=options["demo"])
        if options["admin"]:
            self._add_admin(workspace, options["admin"])
        if options["demo"]:
            if name not in DEMOS:
                raise CommandError(f"The preset {name} has no demo data.")
            seed = 1 if options["seed"] is None else options["seed"]
            try:
                summary = DEMOS[name](workspace, scale=scale, seed=seed)
            except DomainError as error:
                raise CommandError(error.message) from error
            self.stdout.write(describe_demo(summary))
            self.stdout.write(f"Open {site_url()}/ and sign in with one of these logins.")

    def _add_admin(self, workspace: Workspace, email: str) -> None:
        """The operator's way in: Administrator plus the preset's lead role, if it has one."""
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail {email}; create it first.")
        lead = preset_data(workspace.preset).get("admin_role", "")
        roles = Role.objects.filter(workspace=workspace, name__in=["Administrator", lead])
        try:
            member_add(
                actor=None,
                workspace=workspace,
                email=user.email,
                full_name=user.full_name,
                roles=list(roles),
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        names = ", ".join(sorted(r.name for r in roles))
        self.stdout.write(f"  {user.email} is a member with the roles: {names}")

    def _describe(self, workspace: Workspace, *, demo: bool) -> None:
        roles = Role.objects.filter(workspace=workspace).order_by("name")
        self.stdout.write(f"  roles: {', '.join(r.name for r in roles)}")
        for item_type in ItemType.objects.filter(workspace=workspace).order_by("key"):
            self.stdout.write(
                f"  {item_type.name_en} ({item_type.number_prefix}-…): "
                f"{item_type.statuses.count()} statuses, "
                f"{item_type.transitions.count()} steps, {item_type.fields.count()} fields, "
                f"{item_type.sla_rules.count()} SLA rules"
            )
        if not demo and not Membership.objects.filter(workspace=workspace).exists():
            self.stdout.write("  No members yet: add people in Administration → People.")
