"""Person fields offer, and accept, only the people of the roles their definition names
(FieldDef.roles): the expertise order's expert is an Expert, never someone of Finance."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from pult.access.models import Role
from pult.core.exceptions import DomainError
from pult.pipelines import services as ps
from pult.pipelines.files import pipeline_file_parse
from pult.pipelines.io import item_type_export
from pult.work import selectors
from pult.work.models import FieldDef, Item, ItemType
from tests.conftest import login
from tests.factories import make_member, make_role, make_workspace
from tests.work import test_stages
from tests.work.test_stages import Office

pytestmark = pytest.mark.django_db
office = test_stages.office  # the expertise-orders (P2) fixture, shared


def _expert_field(office: Office) -> FieldDef:
    return FieldDef.objects.get(item_type__workspace=office.workspace, key="expert")


def _offered(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None, f"no select {name}"
    return [label for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)<', select[0])]


def test_the_preset_offers_the_expert_field_to_experts_only(office: Office) -> None:
    assert [r.name for r in _expert_field(office).roles.all()] == ["Expert"]


def test_the_order_page_lists_only_experts(office: Office, client: HttpClient) -> None:
    item = office.order()
    login(client, office.director)  # the director may fill in every field
    html = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assert _offered(html, "v-expert") == ["Elena Expert"]


def test_a_person_outside_the_roles_is_refused(office: Office) -> None:
    item = office.order()
    with pytest.raises(DomainError) as refused:
        office.fill(office.director, item, {"expert": office.finance.pk})
    assert refused.value.field_errors == {"expert": ["Choose a person with the role “Expert”."]}
    _workspace, outsider = make_workspace()
    with pytest.raises(DomainError) as refused:
        office.fill(office.director, item, {"expert": outsider.pk})
    assert refused.value.field_errors == {"expert": ["Choose a member of this workspace."]}
    item.refresh_from_db()
    assert "expert" not in item.values
    office.fill(office.director, item, {"expert": office.expert.pk})
    item.refresh_from_db()
    assert item.values["expert"] == office.expert.pk


def test_a_person_chosen_before_the_restriction_stays(office: Office, client: HttpClient) -> None:
    item = office.order()
    Item.objects.filter(pk=item.pk).update(values={"expert": office.finance.pk})
    # Saving the stage again with the same person is not a new choice: it is kept...
    office.fill(office.director, item, {"expert": office.finance.pk, "technical_spec": "Docs"})
    item.refresh_from_db()
    assert item.values["expert"] == office.finance.pk
    # ...and the picker still shows them, so that saving other fields never clears it.
    login(client, office.director)
    html = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assert _offered(html, "v-expert") == ["Elena Expert", "Fedor Finance"]


def test_a_field_without_roles_offers_every_member(office: Office) -> None:
    field = _expert_field(office)
    field.roles.clear()
    choices = selectors.person_choices(workspace=office.workspace, definitions=[field])
    assert {name for _pk, name in choices["expert"]} >= {"Elena Expert", "Fedor Finance"}
    item = office.order()
    office.fill(office.director, item, {"expert": office.finance.pk})


def test_the_editor_sets_the_roles_of_a_person_field(office: Office) -> None:
    field = _expert_field(office)
    finance = Role.objects.get(workspace=office.workspace, name="Finance")
    admin = make_member(office.workspace, ["work.configure"])
    args = {
        "actor": admin,
        "workspace": office.workspace,
        "item_type_id": field.item_type_id,
        "field_id": field.pk,
        "key": "expert",
        "name_en": "Expert",
        "kind": "user",
        "stage_id": field.stage_id,
        "position": field.position,
    }
    ps.field_save(**args, role_ids=[finance.pk])
    assert [r.name for r in field.roles.all()] == ["Finance"]
    item = office.order()
    office.fill(office.director, item, {"expert": office.finance.pk})  # the new policy holds
    other_workspace_role = make_role(make_workspace()[0], [])
    with pytest.raises(DomainError) as refused:
        ps.field_save(**args, role_ids=[other_workspace_role.pk])
    assert "roles" in refused.value.field_errors
    new = {"field_id": None, "key": "note", "name_en": "Note", "kind": "text"}
    text = ps.field_save(**{**args, **new}, role_ids=[finance.pk])
    assert not text.roles.exists()  # only person fields offer people


def test_export_and_import_carry_the_roles_by_name(office: Office) -> None:
    item_type = ItemType.objects.get(workspace=office.workspace, key="order")
    exported = item_type_export(item_type)
    expert = next(f for f in exported["fields"] if f["key"] == "expert")
    assert expert["roles"] == ["Expert"]
    assert "roles" not in next(f for f in exported["fields"] if f["key"] == "fee")

    workspace, admin = make_workspace("Elsewhere")
    taken = set(Role.objects.filter(workspace=workspace).values_list("name", flat=True))
    for role in Role.objects.filter(workspace=office.workspace).exclude(name__in=taken):
        make_role(workspace, [], name=role.name)
    imported = ps.pipeline_import(actor=admin, workspace=workspace, data=exported)
    assert item_type_export(imported)["fields"] == exported["fields"]
    data = pipeline_file_parse(json.dumps(exported, ensure_ascii=False).encode())
    assert ps.pipeline_import(actor=admin, workspace=workspace, data=data).pk == imported.pk
    assert [r.name for r in imported.fields.get(key="expert").roles.all()] == ["Expert"]

    expert["roles"] = ["Astronaut"]
    with pytest.raises(DomainError, match="unknown role “Astronaut”"):
        ps.pipeline_import(actor=admin, workspace=workspace, data=exported)
    expert["roles"] = "Expert"
    with pytest.raises(DomainError, match="roles must be a list"):
        ps.pipeline_import(actor=admin, workspace=workspace, data=exported)


def test_the_page_says_why_a_person_is_refused(office: Office, client: HttpClient) -> None:
    item = office.order()
    login(client, office.director)
    response = client.post(
        reverse("work:item_fields", args=[item.pk]),
        {"stage": "technical", "v-expert": str(office.finance.pk)},
    )
    assert response.status_code == 400
    assert "Expert: Choose a person with the role “Expert”." in response.content.decode()
    item.refresh_from_db()
    assert "expert" not in item.values
