"""Comment-visibility rules as the pipeline editor writes them (chat.rule_services):
configurers only, one rule per role and kind of item, refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from pult.access.models import Role
from pult.activity.models import Event
from pult.chat.models import MessageVisibilityRule
from pult.chat.rule_services import message_visibility_rule_delete, message_visibility_rule_save
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.work.models import ItemType
from tests.factories import make_role, make_workspace
from tests.work import test_stages
from tests.work.test_stages import Office

office = test_stages.office  # the expertise-orders fixture, shared
pytestmark = pytest.mark.django_db


def _rules(office: Office) -> dict[str, tuple[str, list[str]]]:
    return {
        r.viewer_role.name: (r.sees, sorted(a.name for a in r.author_roles.all()))
        for r in MessageVisibilityRule.objects.filter(item_type__workspace=office.workspace)
    }


def _args(office: Office, **overrides: Any) -> dict[str, Any]:
    roles = {r.name: r.pk for r in Role.objects.filter(workspace=office.workspace)}
    auditor = roles.get("Auditor") or make_role(office.workspace, [], name="Auditor").pk
    args: dict[str, Any] = {
        "actor": office.director,
        "workspace": office.workspace,
        "item_type_id": ItemType.objects.get(workspace=office.workspace, key="order").pk,
        "viewer_role_id": auditor,
        "sees": "own_and_roles",
        "author_role_ids": [roles["Manager"], roles["Expert"]],
    }
    return args | overrides


def test_save_creates_and_edits_a_rule_with_an_event(office: Office) -> None:
    rule = message_visibility_rule_save(**_args(office))
    assert _rules(office)["Auditor"] == ("own_and_roles", ["Expert", "Manager"])
    message_visibility_rule_save(**_args(office, rule_id=rule.pk, sees="all"))
    # Author roles belong to "own and chosen roles" only: cleared for "all".
    assert _rules(office)["Auditor"] == ("all", [])
    events = Event.objects.filter(verb="work.pipeline_changed", actor=office.director)
    assert [e.payload for e in events.order_by("pk")] == [
        {"change": "message_rule_saved", "key": "Auditor"}
    ] * 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sees": "everything"}, "sees"),
        ({"author_role_ids": []}, "author_roles"),
        ({"author_role_ids": [-1]}, "author_roles"),
        ({"viewer_role_id": -1}, "viewer_role"),
        ({"viewer_role_id": "expert"}, "viewer_role"),  # has a rule already
    ],
)
def test_save_refusals_change_nothing(
    office: Office, overrides: dict[str, Any], field: str
) -> None:
    if overrides.get("viewer_role_id") == "expert":
        overrides["viewer_role_id"] = Role.objects.get(workspace=office.workspace, name="Expert").pk
    before = _rules(office)
    with pytest.raises(DomainError) as error:
        message_visibility_rule_save(**_args(office, **overrides))
    assert field in error.value.field_errors
    assert _rules(office) == before
    assert not Event.objects.filter(verb="work.pipeline_changed").exists()


def test_only_configurers_of_this_workspace_write_rules(office: Office) -> None:
    rule = MessageVisibilityRule.objects.filter(item_type__workspace=office.workspace).first()
    assert rule is not None
    before = _rules(office)
    with pytest.raises(Forbidden):
        message_visibility_rule_save(**_args(office, actor=office.manager))
    with pytest.raises(Forbidden):
        message_visibility_rule_delete(
            actor=office.manager, workspace=office.workspace, rule_id=rule.pk
        )
    other, admin = make_workspace("Other")
    with pytest.raises(NotFound):
        message_visibility_rule_delete(actor=admin, workspace=other, rule_id=rule.pk)
    with pytest.raises(NotFound):
        message_visibility_rule_save(**_args(office, actor=admin, workspace=other))
    assert _rules(office) == before


def test_delete_removes_one_rule(office: Office) -> None:
    rule = MessageVisibilityRule.objects.get(
        item_type__workspace=office.workspace, viewer_role__name="Finance"
    )
    message_visibility_rule_delete(
        actor=office.director, workspace=office.workspace, rule_id=rule.pk
    )
    assert "Finance" not in _rules(office) and len(_rules(office)) == 5
