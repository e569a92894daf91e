"""Pipeline sections (pult.pipelines.sections): the registry, and chat's
"message_visibility" section carried by pipeline files and drawn by the editor."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from pult.chat.models import MessageVisibilityRule
from pult.chat.pipeline_section import SECTION
from pult.core.exceptions import DomainError
from pult.pipelines import sections
from pult.pipelines import services as ps
from pult.pipelines.io import item_type_export
from pult.work.models import ItemType
from tests.conftest import login
from tests.work import test_stages
from tests.work.test_stages import Office

pytestmark = pytest.mark.django_db
office = test_stages.office  # the expertise-orders fixture, shared


def _order_type(office: Office) -> ItemType:
    return ItemType.objects.get(workspace=office.workspace, key="order")


def _rules(item_type: ItemType) -> dict[str, str]:
    rules = MessageVisibilityRule.objects.filter(item_type=item_type)
    return {r.viewer_role.name: r.sees for r in rules}


def test_chat_registers_its_section_from_ready() -> None:
    assert [s.key for s in sections.registered()] == ["message_visibility"]
    assert sections.registered()[0] is SECTION
    assert SECTION.pages is not None and SECTION.pages.route == "message_rule"
    # The editor's pages keep their addresses.
    assert reverse("pipelines:message_rule_new", args=[1]) == "/pipelines/1/comment-rules/new/"


def test_a_key_belongs_to_one_owner() -> None:
    sections.register(SECTION)  # the same section again (a second ready()) is harmless
    with pytest.raises(ImproperlyConfigured):
        sections.register(SECTION.__class__(**{**SECTION.__dict__, "template": "other.html"}))
    with pytest.raises(ImproperlyConfigured):
        sections.register(SECTION.__class__(**{**SECTION.__dict__, "key": "statuses"}))
    assert sections.registered() == [SECTION]


def test_the_section_comes_last_in_the_file_as_before(office: Office) -> None:
    exported = item_type_export(_order_type(office))
    assert list(exported)[-1] == "message_visibility"
    assert {"role": "Manager", "sees": "own_and_roles", "author_roles": ["Expert"]} in exported[
        "message_visibility"
    ]


def test_a_file_without_the_key_keeps_the_rules(office: Office) -> None:
    item_type = _order_type(office)
    before = _rules(item_type)
    data = item_type_export(item_type)
    del data["message_visibility"]
    ps.pipeline_import(actor=office.director, workspace=office.workspace, data=data)
    assert _rules(item_type) == before and before


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("everyone", "“message_visibility” must be a list of objects"),
        ([{"sees": "all"}], "a comment rule must name a role"),
        ([{"role": "Expert", "sees": "own_and_roles"}], "none is chosen"),
        ([{"role": "Expert", "sees": "own_and_roles", "author_roles": "Manager"}], "a list"),
    ],
)
def test_the_section_refuses_a_bad_value_before_anything_is_written(
    office: Office, value: Any, expected: str
) -> None:
    item_type = _order_type(office)
    before = item_type_export(item_type)
    data = json.loads(json.dumps(before)) | {"message_visibility": value}
    data["name"] = {"en": "Changed", "ru": ""}
    with pytest.raises(DomainError) as error:
        ps.pipeline_import(actor=office.director, workspace=office.workspace, data=data)
    assert expected in error.value.field_errors["file"][0]
    assert item_type_export(item_type) == before


def test_null_rules_clear_them(office: Office) -> None:
    item_type = _order_type(office)
    data = item_type_export(item_type) | {"message_visibility": None}
    ps.pipeline_import(actor=office.director, workspace=office.workspace, data=data)
    assert _rules(item_type) == {}


def test_the_editor_draws_the_sections_panel(client: Client, office: Office) -> None:
    login(client, office.director)
    page = client.get(reverse("pipelines:detail", args=[_order_type(office).pk])).content.decode()
    assert 'id="comments"' in page
    assert reverse("pipelines:message_rule_new", args=[_order_type(office).pk]) in page
