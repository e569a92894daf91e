"""A design-desk workspace (the P1 preset) with a head, two designers and applicants."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pult.access.models import Role
from pult.accounts.models import User, Workspace
from pult.documents.services import attachment_add
from pult.parties.models import Brand, Outlet
from pult.presets.services import preset_load
from pult.work import services
from pult.work.models import Item
from tests.factories import make_member

TASK = {
    "material_type": "poster",
    "size": "A3 portrait",
    "texts": "Summer menu",
    "wishes": "Bright, with the new logo",
}


@dataclass
class Desk:
    workspace: Workspace
    head: User
    designer: User
    designer2: User
    applicant: User
    neighbour: User  # same outlet as the applicant
    stranger: User  # an applicant of another outlet
    outlet: Outlet
    other_outlet: Outlet

    def submit(
        self, applicant: User | None = None, title: str = "Summer poster", **values: Any
    ) -> Item:
        applicant = applicant or self.applicant
        outlet = self.other_outlet if applicant == self.stranger else self.outlet
        return services.work_item_submit(
            actor=applicant,
            workspace=self.workspace,
            item_type_key="design-request",
            title=title,
            values={**TASK, **values},
            outlet=outlet,
        )

    def deliver(self, item: Item, actor: User | None = None, name: str = "layout.png") -> None:
        """The designer attaches a result file (a real PNG), as completing requires."""
        buffer = io.BytesIO()
        Image.new("RGB", (60, 40), "teal").save(buffer, "PNG")
        attachment_add(
            actor=actor or self.designer,
            workspace=self.workspace,
            item_id=item.pk,
            upload=SimpleUploadedFile(name, buffer.getvalue(), "image/png"),
            kind="deliverable",
        )

    def step(self, actor: User, item: Item, key: str, comment: str = "") -> Item:
        return services.work_item_transition(
            actor=actor,
            workspace=self.workspace,
            item_id=item.pk,
            transition_key=key,
            comment=comment,
        )


@pytest.fixture
def desk(db: None) -> Desk:
    workspace = preset_load("design-desk", slug="desk-test")
    roles = {r.name: r for r in Role.objects.filter(workspace=workspace)}
    brand = Brand.objects.create(workspace=workspace, name="Pizza Bella")
    outlet = Outlet.objects.create(workspace=workspace, brand=brand, city="Kazan", number="12")
    other = Outlet.objects.create(workspace=workspace, brand=brand, city="Perm", number="7")

    def person(role: str, name: str) -> User:
        return make_member(workspace, roles=[roles[role]], full_name=name)

    applicant, neighbour, stranger = (
        person("Applicant", n) for n in ("Alla Applicant", "Nina Neighbour", "Stas Stranger")
    )
    outlet.members.add(applicant, neighbour)
    other.members.add(stranger)
    return Desk(
        workspace=workspace,
        head=person("Marketing head", "Hanna Head"),
        designer=person("Designer", "Dima Designer"),
        designer2=person("Designer", "Dasha Designer"),
        applicant=applicant,
        neighbour=neighbour,
        stranger=stranger,
        outlet=outlet,
        other_outlet=other,
    )
