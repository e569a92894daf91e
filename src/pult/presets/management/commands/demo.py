"""`pult demo`: the demo installation admin, a demo workspace and its people, and one
workspace per preset with its demo data (design-desk: a franchise network's design
requests, with the admin as its marketing head; expertise-orders: clients, contracts and
orders at every stage, with the admin as its administrator and director).

Idempotent: running it again changes nothing. The logins are printed and listed in
the README; never run it on a production installation.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from pult.access.models import Role
from pult.access.services import role_create
from pult.accounts.models import Membership, User, Workspace
from pult.accounts.services import member_add, workspace_create
from pult.core.site import site_url
from pult.notifications.models import NotificationRule
from pult.notifications.services import emails_held
from pult.presets.demo import describe_figures, describe_logins
from pult.presets.demo_design_desk import DemoSummary, design_desk_demo
from pult.presets.demo_expertise_orders import OrdersDemoSummary, expertise_orders_demo
from pult.presets.services import preset_load

ADMIN = ("admin@pult.demo", "lamp-river-42", "Анна Админова")
PEOPLE = [
    # e-mail, password, full name, position, role
    ("head@pult.demo", "oak-maple-17", "Борис Руководов", "Head of department", "Head"),
    ("staff@pult.demo", "sea-cloud-93", "Вера Специалистова", "Specialist", "Specialist"),
]
ROLES = {
    "Head": [
        "accounts.view_directory",
        "accounts.manage_members",
        "activity.view_feed",
        "notifications.manage_rules",
    ],
    "Specialist": ["accounts.view_directory"],
}


class Command(BaseCommand):
    help = "Create the demo admin, the demo workspaces and their people and data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo data is history: its notifications reach the inbox, no e-mail goes out.
        with emails_held():
            admin = self._demo_workspace()
            design_desk = self._design_desk(admin)
            orders = self._expertise_orders(admin)
        self.stdout.write(describe_figures(design_desk))
        self.stdout.write(describe_figures(orders))
        # The logins and the address come last: `make run` starts the server next.
        self.stdout.write("")
        self.stdout.write("Demo logins of the demo workspace:")
        self.stdout.write(
            f"  installation admin  {ADMIN[0]:<22} {ADMIN[1]}  (also marketing head of "
            "design-desk, administrator and director of expertise-orders)"
        )
        for email, password, _n, _p, role_name in PEOPLE:
            self.stdout.write(f"  {role_name.lower():<19} {email:<22} {password}")
        self.stdout.write(describe_logins(design_desk))
        self.stdout.write(describe_logins(orders))
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Open {site_url()}/ and sign in with one of the logins above.")
        )

    @transaction.atomic
    def _expertise_orders(self, admin: User) -> OrdersDemoSummary:
        """The expertise-orders preset with its demo data; the admin is its administrator
        and director."""
        workspace = preset_load("expertise-orders", slug="expertise-orders")
        summary = expertise_orders_demo(workspace)
        if not Membership.objects.filter(workspace=workspace, user=admin).exists():
            member_add(
                actor=None,
                workspace=workspace,
                email=admin.email,
                full_name=admin.full_name,
                roles=list(
                    Role.objects.filter(workspace=workspace, name__in=["Administrator", "Director"])
                ),
            )
        return summary

    @transaction.atomic
    def _design_desk(self, admin: User) -> DemoSummary:
        """The design-desk preset with its demo data; the admin is its marketing head."""
        workspace = preset_load("design-desk", slug="design-desk")
        summary = design_desk_demo(workspace)
        if not Membership.objects.filter(workspace=workspace, user=admin).exists():
            member_add(
                actor=None,
                workspace=workspace,
                email=admin.email,
                full_name=admin.full_name,
                roles=[Role.objects.get(workspace=workspace, name="Marketing head")],
            )
        return summary

    @transaction.atomic
    def _demo_workspace(self) -> User:
        email, password, name = ADMIN
        admin = User.objects.filter(email=email).first()
        if admin is None:
            admin = User.objects.create_superuser(
                email, password, full_name=name, position="Administrator", phone="+7 900 000-00-01"
            )
        workspace = Workspace.objects.filter(slug="demo").first()
        if workspace is None:
            workspace = workspace_create(actor=admin, name="Demo", slug="demo")
        for role_name, codes in ROLES.items():
            if not Role.objects.filter(workspace=workspace, name=role_name).exists():
                role_create(actor=None, workspace=workspace, name=role_name, codes=codes)
        for email, password, full_name, position, role_name in PEOPLE:
            if not User.objects.filter(email=email).exists():
                member_add(
                    actor=None,
                    workspace=workspace,
                    email=email,
                    full_name=full_name,
                    password=password,
                    position=position,
                    phone="+7 900 000-00-02",
                    roles=[Role.objects.get(workspace=workspace, name=role_name)],
                )
        if not NotificationRule.objects.filter(workspace=workspace).exists():
            rule = NotificationRule.objects.create(
                workspace=workspace, verb="accounts.member_changed", participants=True
            )
            rule.roles.add(Role.objects.get(workspace=workspace, name="Head"))
        return admin
