"""A pipeline file and the editor write the same rows through the same writers
(pult.pipelines.writers, field_writers): a file is held to the rules a form is, rows
matched by key keep their identity, and an import is one event that renews the cache."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pult.activity.models import Event
from pult.core.exceptions import DomainError
from pult.pipelines import field_writers, writers
from pult.pipelines import services as ps
from pult.pipelines.io import item_type_export, item_type_import
from pult.work.models import FieldDef, ItemType, Stage, Status
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _type(desk: Desk) -> ItemType:
    return ItemType.objects.get(workspace=desk.workspace, key="design-request")


def _data(desk: Desk) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(item_type_export(_type(desk))))
    return data


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # What the status form refuses, a file is refused too, naming the row.
        (
            lambda d: d["statuses"][1].update(name={"en": "x" * 201, "ru": ""}),
            "status “in_progress”: At most 200 characters.",
        ),
        (
            lambda d: d["fields"][0].update(kind="choice", choices=[]),
            "A choice field needs at least one choice.",
        ),
        (lambda d: d.update(skill_field="size_of_shoes"), "Choose one of the type's fields."),
        (
            lambda d: d["field_rules"].append(
                {"field": "size", "mode": "edit", "role": "Designer", "relation": "assignee"}
            ),
            "Choose a role or a relation, not both.",
        ),
    ],
)
def test_a_file_is_refused_as_the_form_is_and_nothing_changes(
    desk: Desk, change: Any, expected: str
) -> None:
    before = item_type_export(_type(desk))
    data = _data(desk)
    change(data)
    with pytest.raises(DomainError) as error:
        ps.pipeline_import(actor=desk.head, workspace=desk.workspace, data=data)
    message = error.value.field_errors["file"][0]
    assert message.startswith("The pipeline file is not valid: ") and expected in message
    assert item_type_export(_type(desk)) == before
    assert not Event.objects.filter(verb="work.pipeline_changed").exists()


def test_the_import_writes_through_the_editors_writers(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    for module, name in (
        (writers, "type_write"),
        (writers, "status_write"),
        (writers, "stage_write"),
        (writers, "transition_write"),
        (field_writers, "field_write"),
        (field_writers, "field_rules_write"),
    ):
        original = getattr(module, name)

        def spy(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    data = _data(desk)
    ps.pipeline_import(actor=desk.head, workspace=desk.workspace, data=data)
    assert calls.count("status_write") == len(data["statuses"])
    assert calls.count("transition_write") == len(data["transitions"])
    assert calls.count("field_write") == len(data["fields"])
    assert calls.count("field_rules_write") == len(data["field_rules"])
    assert "type_write" in calls
    calls.clear()
    status = Status.objects.get(item_type=_type(desk), key="closed")
    ps.status_save(
        actor=desk.head,
        workspace=desk.workspace,
        item_type_id=_type(desk).pk,
        status_id=status.pk,
        key="closed",
        name_en="Shut",
        category=status.category,
        icon=status.icon,
        colour=status.colour,
    )
    assert calls == ["status_write"]


def test_a_replacement_keeps_the_rows_it_matches_by_key(desk: Desk) -> None:
    item_type = _type(desk)
    ids = {f.key: f.pk for f in item_type.fields.all()}
    statuses = {s.key: s.pk for s in item_type.statuses.all()}
    version = item_type.pipeline_version
    data = _data(desk)
    data["fields"][0]["name"] = {"en": "Material", "ru": "Материал"}
    data["auto_assign"], data["skill_field"] = False, ""
    replaced = ps.pipeline_import(actor=desk.head, workspace=desk.workspace, data=data)
    assert {f.key: f.pk for f in replaced.fields.all()} == ids
    assert {s.key: s.pk for s in replaced.statuses.all()} == statuses
    assert item_type_export(replaced) == data  # the file's settings, not the old ones
    (event,) = Event.objects.filter(verb="work.pipeline_changed")
    assert event.payload == {"change": "imported", "key": "design-request"}
    assert ItemType.objects.get(pk=item_type.pk).pipeline_version != version


def test_a_replacement_moves_the_initial_mark_and_drops_what_the_file_drops(desk: Desk) -> None:
    data = _data(desk)
    for status in data["statuses"]:
        status["initial"] = status["key"] == "in_progress"
    data["statuses"] = [s for s in data["statuses"] if s["key"] != "new"]
    data["transitions"] = [t for t in data["transitions"] if "new" not in (t["from"], t["to"])]
    data["fields"] = [f for f in data["fields"] if f["key"] != "wishes"]
    data["field_rules"] = [
        r for r in data["field_rules"] if r["field"] != "wishes" and r["status"] != "new"
    ]
    replaced = ps.pipeline_import(actor=desk.head, workspace=desk.workspace, data=data)
    assert [s.key for s in replaced.statuses.filter(is_initial=True)] == ["in_progress"]
    assert not Status.objects.filter(item_type=replaced, key="new").exists()
    assert not FieldDef.objects.filter(item_type=replaced, key="wishes").exists()
    assert item_type_export(replaced) == data


def test_a_preset_loads_through_the_same_import_without_an_actor(desk: Desk) -> None:
    data = _data(desk) | {"key": "copy", "prefix": "CP", "stages": []}
    data["stages"] = [{"key": "check", "name": {"en": "Check", "ru": ""}}]
    copy = item_type_import(workspace=desk.workspace, data=data)
    assert copy.key == "copy" and Stage.objects.filter(item_type=copy, key="check").exists()
    assert not Event.objects.filter(verb="work.pipeline_changed").exists()  # no actor
