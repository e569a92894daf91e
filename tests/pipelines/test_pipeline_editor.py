"""The pipeline editor (F-PIPE): services with their refusals, preset files in and out,
the pages for configurers only, and that a change is live on the item pages."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import heroicons
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pult.access.models import Role
from pult.accounts.models import Department
from pult.activity.models import Event
from pult.chat.models import MessageVisibilityRule
from pult.chat.selectors import message_list
from pult.chat.services import message_post
from pult.core.exceptions import DomainError, Forbidden
from pult.pipelines import services as ps
from pult.pipelines.field_writers import choices_text
from pult.pipelines.files import ICONS, pipeline_file_parse
from pult.pipelines.io import item_type_export
from pult.pipelines.selectors import stage_required_field_ids
from pult.work import services as work_services
from pult.work.exceptions import TransitionBlocked
from pult.work.models import (
    FieldDef,
    FieldRule,
    Item,
    ItemType,
    SignOff,
    Stage,
    Status,
    Transition,
)
from tests.conftest import login
from tests.factories import make_member, make_role, make_workspace
from tests.work import test_stages
from tests.work.conftest import TASK, Desk
from tests.work.test_stages import Office

pytestmark = pytest.mark.django_db
office = test_stages.office  # the expertise-orders (P2) fixture, shared


def _type(desk: Desk) -> ItemType:
    return ItemType.objects.get(workspace=desk.workspace, key="design-request")


def _status(desk: Desk, key: str) -> Status:
    return Status.objects.get(item_type=_type(desk), key=key)


def _export(desk: Desk) -> dict[str, Any]:
    return item_type_export(_type(desk))


def _as(client: Client, user: Any) -> Client:
    client.logout()
    login(client, user)
    return client


def _status_args(desk: Desk, **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "actor": desk.head,
        "workspace": desk.workspace,
        "item_type_id": _type(desk).pk,
        "key": "on_hold",
        "name_en": "On hold",
        "name_ru": "Отложена",
        "colour": "warning",
        "icon": "pause-circle",
        "category": "paused",
        "position": 9,
    }
    return args | overrides


def _refused(error: pytest.ExceptionInfo[DomainError], field: str) -> str:
    assert field in error.value.field_errors, error.value.field_errors
    return error.value.field_errors[field][0]


# ---------------------------------------------------------------- settings


def test_settings_save_renames_and_moves_the_initial_mark(desk: Desk) -> None:
    item_type = ps.item_type_settings_save(
        actor=desk.head,
        workspace=desk.workspace,
        item_type_id=_type(desk).pk,
        name_en="Artwork request",
        name_ru="Заявка на макет",
        number_prefix="AR",
        requires_contacts=False,
        auto_assign=True,
        skill_field="material_type",
        initial_status_id=_status(desk, "in_progress").pk,
    )
    item_type.refresh_from_db()
    assert (item_type.name_en, item_type.number_prefix) == ("Artwork request", "AR")
    assert item_type.auto_assign and item_type.skill_field == "material_type"
    assert list(Status.objects.filter(item_type=item_type, is_initial=True)) == [
        _status(desk, "in_progress")
    ]
    event = Event.objects.get(verb="work.pipeline_changed")
    assert event.actor == desk.head and event.payload["change"] == "settings"


def test_settings_refuse_a_taken_prefix_and_an_unknown_skill_field(desk: Desk) -> None:
    ps.pipeline_import(
        actor=desk.head,
        workspace=desk.workspace,
        data=_export(desk) | {"key": "print-order", "prefix": "PO"},
    )
    with pytest.raises(DomainError) as error:
        ps.item_type_settings_save(
            actor=desk.head,
            workspace=desk.workspace,
            item_type_id=_type(desk).pk,
            name_en="",
            number_prefix="PO",
            skill_field="nope",
        )
    assert set(error.value.field_errors) == {"name_en", "number_prefix", "skill_field"}
    assert _type(desk).number_prefix == "DR"


def test_only_configurers_edit_pipelines(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        ps.status_save(**_status_args(desk, actor=desk.designer))
    with pytest.raises(Forbidden):
        ps.pipeline_import(actor=desk.designer, workspace=desk.workspace, data=_export(desk))
    assert not Status.objects.filter(key="on_hold").exists()


# ---------------------------------------------------------------- statuses


def test_status_save_creates_and_updates(desk: Desk) -> None:
    status = ps.status_save(**_status_args(desk))
    assert (status.colour, status.icon, status.category) == ("warning", "pause-circle", "paused")
    renamed = ps.status_save(
        **_status_args(desk, status_id=status.pk, name_en="Parked", colour="neutral")
    )
    assert renamed.pk == status.pk
    status.refresh_from_db()
    assert (status.name_en, status.colour) == ("Parked", "neutral")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"key": "in_progress"}, "key"),  # duplicate key in the type
        ({"key": "Not a slug!"}, "key"),
        ({"colour": "purple"}, "colour"),
        ({"icon": "no-such-icon"}, "icon"),
        ({"category": "someday"}, "category"),
        ({"is_initial": True}, "is_initial"),  # "new" is already the initial one
        ({"name_en": " "}, "name_en"),
    ],
)
def test_status_save_refusals(desk: Desk, overrides: dict[str, Any], field: str) -> None:
    before = _export(desk)
    with pytest.raises(DomainError) as error:
        ps.status_save(**_status_args(desk, **overrides))
    assert _refused(error, field)
    assert _export(desk) == before
    assert not Event.objects.filter(verb="work.pipeline_changed").exists()


def test_the_initial_status_cannot_be_unmarked_directly(desk: Desk) -> None:
    new = _status(desk, "new")
    with pytest.raises(DomainError) as error:
        ps.status_save(
            **_status_args(
                desk, status_id=new.pk, key="new", category="open", queued=True, is_initial=False
            )
        )
    assert "settings" in _refused(error, "is_initial")
    assert _status(desk, "new").is_initial


def test_a_status_holding_items_keeps_its_category(desk: Desk) -> None:
    desk.submit()
    new = _status(desk, "new")
    with pytest.raises(DomainError) as error:
        ps.status_save(
            **_status_args(
                desk, status_id=new.pk, key="new", category="paused", queued=True, is_initial=True
            )
        )
    assert "1 item" in _refused(error, "category")


def test_status_delete(desk: Desk) -> None:
    status = ps.status_save(**_status_args(desk))
    ps.status_delete(actor=desk.head, workspace=desk.workspace, status_id=status.pk)
    assert not Status.objects.filter(pk=status.pk).exists()


def test_deleting_a_used_status_is_refused(desk: Desk) -> None:
    item = desk.submit()
    desk.step(desk.designer, item, "take")
    with pytest.raises(DomainError, match="1 item"):
        ps.status_delete(
            actor=desk.head, workspace=desk.workspace, status_id=_status(desk, "in_progress").pk
        )
    with pytest.raises(DomainError, match="Send the answer"):  # steps lead there
        ps.status_delete(
            actor=desk.head, workspace=desk.workspace, status_id=_status(desk, "clarification").pk
        )
    with pytest.raises(DomainError, match="initial"):
        ps.status_delete(
            actor=desk.head, workspace=desk.workspace, status_id=_status(desk, "new").pk
        )
    assert Status.objects.filter(item_type=_type(desk)).count() == 6


# ---------------------------------------------------------------- transitions


def _transition_args(desk: Desk, **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "actor": desk.head,
        "workspace": desk.workspace,
        "item_type_id": _type(desk).pk,
        "key": "reopen",
        "from_status_id": _status(desk, "closed").pk,
        "to_status_id": _status(desk, "in_progress").pk,
        "label_en": "Reopen",
        "label_ru": "Открыть снова",
        "permission": "work.manage",
        "requester_may": False,
        "assignee_may": True,
        "guard_names": ["has_assignee"],
        "needs_comment": True,
        "position": 20,
    }
    return args | overrides


def test_transition_save_and_delete(desk: Desk) -> None:
    transition = ps.transition_save(**_transition_args(desk))
    assert transition.guards == ["has_assignee"] and transition.to_status.key == "in_progress"
    edited = ps.transition_save(
        **_transition_args(desk, transition_id=transition.pk, from_status_id=None, guard_names=[])
    )
    assert edited.pk == transition.pk and edited.from_status is None and edited.guards == []
    ps.transition_delete(actor=desk.head, workspace=desk.workspace, transition_id=transition.pk)
    assert not Transition.objects.filter(pk=transition.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"guard_names": ["has_assignee", "moon_is_full"]}, "guards"),
        ({"permission": "work.fly"}, "permission"),
        ({"key": "close", "from_status_id": None}, "key"),  # "close" from any exists
        ({"key": "take", "from_status_id": "new"}, "key"),
        ({"to_status_id": -1}, "to_status"),
        ({"label_en": ""}, "label_en"),
    ],
)
def test_transition_save_refusals(desk: Desk, overrides: dict[str, Any], field: str) -> None:
    if overrides.get("from_status_id") == "new":
        overrides["from_status_id"] = _status(desk, "new").pk
    before = _export(desk)
    with pytest.raises(DomainError) as error:
        ps.transition_save(**_transition_args(desk, **overrides))
    message = _refused(error, field)
    if field == "guards":
        assert "moon_is_full" in message
    assert _export(desk) == before


def test_the_take_step_stays(desk: Desk) -> None:
    take = Transition.objects.get(item_type=_type(desk), key="take")
    with pytest.raises(DomainError, match="queue"):
        ps.transition_delete(actor=desk.head, workspace=desk.workspace, transition_id=take.pk)


# ---------------------------------------------------------------- fields and policy


def _field_args(desk: Desk, **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "actor": desk.head,
        "workspace": desk.workspace,
        "item_type_id": _type(desk).pk,
        "key": "paper",
        "name_en": "Paper",
        "name_ru": "Бумага",
        "kind": "choice",
        "choices": "matte | Matte | Матовая\nglossy | Glossy\n\n",
        "help_en": "What to print on",
        "position": 9,
    }
    return args | overrides


def test_field_save_parses_the_choice_lines(desk: Desk) -> None:
    field = ps.field_save(**_field_args(desk))
    assert field.choices == [
        {"value": "matte", "en": "Matte", "ru": "Матовая"},
        {"value": "glossy", "en": "Glossy", "ru": ""},
    ]
    assert choices_text(field.choices) == "matte | Matte | Матовая\nglossy | Glossy"
    text = ps.field_save(**_field_args(desk, field_id=field.pk, kind="text", choices=""))
    assert text.kind == "text" and text.choices == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"key": "size"}, "key"),
        ({"choices": ""}, "choices"),
        ({"choices": "a | A | А | extra"}, "choices"),
        ({"choices": "a | A\na | again"}, "choices"),
        ({"kind": "colour"}, "kind"),
    ],
)
def test_field_save_refusals(desk: Desk, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as error:
        ps.field_save(**_field_args(desk, **overrides))
    assert _refused(error, field)
    assert not FieldDef.objects.filter(key="paper").exists()


def test_a_field_with_values_keeps_its_key(desk: Desk) -> None:
    desk.submit()
    size = FieldDef.objects.get(item_type=_type(desk), key="size")
    with pytest.raises(DomainError) as error:
        ps.field_save(**_field_args(desk, field_id=size.pk, key="format", kind="text", choices=""))
    assert "values" in _refused(error, "key")


def test_field_delete_takes_its_rules_and_keeps_item_values(desk: Desk) -> None:
    item = desk.submit()
    wishes = FieldDef.objects.get(item_type=_type(desk), key="wishes")
    assert FieldRule.objects.filter(field=wishes).exists()
    ps.field_delete(actor=desk.head, workspace=desk.workspace, field_id=wishes.pk)
    assert not FieldRule.objects.filter(field_id=wishes.pk).exists()
    item.refresh_from_db()
    assert item.values["wishes"] == TASK["wishes"]


def test_a_field_the_skill_match_reads_is_kept(desk: Desk) -> None:
    item_type = _type(desk)
    item_type.skill_field = "material_type"
    item_type.save()
    field = FieldDef.objects.get(item_type=item_type, key="material_type")
    with pytest.raises(DomainError, match="skill"):
        ps.field_delete(actor=desk.head, workspace=desk.workspace, field_id=field.pk)
    with pytest.raises(DomainError, match="SLA"):  # the resize regulation reads it too
        item_type.skill_field = ""
        item_type.save()
        ps.field_delete(actor=desk.head, workspace=desk.workspace, field_id=field.pk)


def test_field_rule_set_writes_one_subject_matrix(desk: Desk) -> None:
    item_type = _type(desk)
    designer = Role.objects.get(workspace=desk.workspace, name="Designer")
    size = FieldDef.objects.get(item_type=item_type, key="size")
    texts = FieldDef.objects.get(item_type=item_type, key="texts")
    progress = _status(desk, "in_progress")
    ps.field_rule_set(
        actor=desk.head,
        workspace=desk.workspace,
        item_type_id=item_type.pk,
        role_id=designer.pk,
        cells={(size.pk, progress.pk): "required", (texts.pk, None): "hidden"},
    )
    mine = FieldRule.objects.filter(role=designer)
    assert {(r.field_id, r.status_id, r.mode) for r in mine} == {
        (size.pk, progress.pk, "required"),
        (texts.pk, None, "hidden"),
    }
    ps.field_rule_set(
        actor=desk.head,
        workspace=desk.workspace,
        item_type_id=item_type.pk,
        role_id=designer.pk,
        cells={(size.pk, progress.pk): "edit", (texts.pk, None): ""},
    )
    assert {(r.field_id, r.status_id, r.mode) for r in mine.all()} == {
        (size.pk, progress.pk, "edit")
    }
    # The requester's rules from the preset are another subject: untouched.
    assert FieldRule.objects.filter(relation="requester").count() == 8


def test_field_rule_set_refusals(desk: Desk) -> None:
    item_type = _type(desk)
    size = FieldDef.objects.get(item_type=item_type, key="size")
    other_role = make_role(make_workspace()[0], [])
    for kwargs in (
        {"role_id": other_role.pk, "cells": {(size.pk, None): "edit"}},
        {"relation": "boss", "cells": {(size.pk, None): "edit"}},
        {"cells": {(size.pk, None): "sometimes"}},
        {"cells": {(size.pk, 999999): "edit"}},
    ):
        with pytest.raises(DomainError):
            ps.field_rule_set(
                actor=desk.head, workspace=desk.workspace, item_type_id=item_type.pk, **kwargs
            )
    assert FieldRule.objects.filter(field__item_type=item_type).count() == 12


# ---------------------------------------------------------------- import and export


def test_export_import_round_trip_into_a_new_workspace(desk: Desk) -> None:
    exported = _export(desk)
    workspace, admin = make_workspace("Elsewhere")
    for name in ("Marketing head", "Designer", "Applicant"):
        make_role(workspace, [], name=name)
    imported = ps.pipeline_import(actor=admin, workspace=workspace, data=exported)
    assert imported.workspace == workspace and imported.pk != _type(desk).pk
    assert item_type_export(imported) == exported
    # Through the file format, too: what the download gives, the upload takes.
    data = pipeline_file_parse(json.dumps(exported, ensure_ascii=False).encode())
    again = ps.pipeline_import(actor=admin, workspace=workspace, data=data)
    assert again.pk == imported.pk and item_type_export(again) == exported


def test_import_replaces_an_existing_type_in_place(desk: Desk) -> None:
    item = desk.submit()
    data = _export(desk)
    data["statuses"][1]["name"] = {"en": "Being drawn", "ru": "Рисуется"}
    data["statuses"].append(
        data["statuses"][-1] | {"key": "archived", "name": {"en": "Archived", "ru": "В архиве"}}
    )
    data["transitions"].append(
        data["transitions"][-1]
        | {"key": "archive", "from": "closed", "to": "archived", "guards": []}
    )
    data["fields"] = [f for f in data["fields"] if f["key"] != "wishes"]
    data["field_rules"] = [r for r in data["field_rules"] if r["field"] != "wishes"]
    replaced = ps.pipeline_import(actor=desk.head, workspace=desk.workspace, data=data)
    assert replaced.pk == _type(desk).pk
    assert item_type_export(replaced) == data
    item.refresh_from_db()
    assert item.status.key == "new" and item.status == _status(desk, "new")


def test_import_refuses_to_drop_a_status_items_are_in(desk: Desk) -> None:
    item = desk.submit()
    desk.step(desk.designer, item, "take")
    before = _export(desk)
    data = json.loads(json.dumps(before))
    data["name"] = {"en": "Changed", "ru": ""}
    data["statuses"] = [s for s in data["statuses"] if s["key"] != "in_progress"]
    data["transitions"] = [
        t for t in data["transitions"] if "in_progress" not in (t["from"], t["to"])
    ]
    with pytest.raises(DomainError) as error:
        ps.pipeline_import(actor=desk.head, workspace=desk.workspace, data=data)
    assert "In progress" in _refused(error, "file")
    assert _export(desk) == before
    assert not Event.objects.filter(verb="work.pipeline_changed").exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["transitions"][0].update(guards=["moon_is_full"]),
        lambda d: d["statuses"][0].update(colour="purple"),
        lambda d: d["statuses"][1].update(initial=True),
        lambda d: d["statuses"].append(dict(d["statuses"][0], initial=False)),
        lambda d: d["transitions"][0].update(to="nowhere"),
        lambda d: d.update(prefix="no prefix"),
        lambda d: d.update(statuses="new"),
    ],
)
def test_import_refuses_a_bad_file_and_changes_nothing(desk: Desk, change: Any) -> None:
    before = _export(desk)
    data = json.loads(json.dumps(before))
    change(data)
    with pytest.raises(DomainError) as error:
        ps.pipeline_import(actor=desk.head, workspace=desk.workspace, data=data)
    assert _refused(error, "file")
    assert _export(desk) == before


def test_pipeline_file_parse_refusals() -> None:
    for content in (b"\xff\xfe", b"not json", b"[1, 2]", b'{"item_types": [{}, {}]}'):
        with pytest.raises(DomainError) as error:
            pipeline_file_parse(content)
        assert error.value.field_errors["file"]
    preset = Path(ps.__file__).parent.parent / "presets" / "data" / "design-desk.json"
    assert pipeline_file_parse(preset.read_bytes())["key"] == "design-request"


def test_every_icon_of_the_list_exists_in_heroicons() -> None:
    archive = Path(heroicons.__file__).parent / "heroicons.zip"
    names = set(zipfile.ZipFile(archive).namelist())
    assert [i for i in ICONS if f"micro/{i}.svg" not in names] == []


# ---------------------------------------------------------------- pages


def _urls(item_type: ItemType) -> list[tuple[str, str]]:
    t = item_type.pk
    status = item_type.statuses.first()
    transition = item_type.transitions.first()
    field = item_type.fields.first()
    assert status and transition and field
    return [
        ("get", reverse("pipelines:list")),
        ("post", reverse("pipelines:list")),
        ("get", reverse("pipelines:detail", args=[t])),
        ("post", reverse("pipelines:detail", args=[t])),
        ("get", reverse("pipelines:export", args=[t])),
        ("post", reverse("pipelines:policy", args=[t])),
        ("get", reverse("pipelines:status_new", args=[t])),
        ("get", reverse("pipelines:status_edit", args=[t, status.pk])),
        ("post", reverse("pipelines:status_edit", args=[t, status.pk])),
        ("post", reverse("pipelines:status_delete", args=[t, status.pk])),
        ("get", reverse("pipelines:transition_new", args=[t])),
        ("get", reverse("pipelines:transition_edit", args=[t, transition.pk])),
        ("post", reverse("pipelines:transition_delete", args=[t, transition.pk])),
        ("get", reverse("pipelines:field_new", args=[t])),
        ("get", reverse("pipelines:field_edit", args=[t, field.pk])),
        ("post", reverse("pipelines:field_delete", args=[t, field.pk])),
    ]


def test_pipeline_pages_are_not_found_for_non_configurers(client: Client, desk: Desk) -> None:
    before = _export(desk)
    manager = make_member(desk.workspace, ["work.manage", "work.view_all"])
    for user in (desk.applicant, desk.designer, manager):
        _as(client, user)
        for method, url in _urls(_type(desk)):
            response = getattr(client, method)(url)
            assert response.status_code == 404, (user, method, url)
    assert _export(desk) == before


def test_another_workspaces_pipeline_is_not_found(client: Client, desk: Desk) -> None:
    workspace, admin = make_workspace("Other")
    for name in ("Marketing head", "Designer", "Applicant"):
        make_role(workspace, [], name=name)
    foreign = ps.pipeline_import(actor=admin, workspace=workspace, data=_export(desk))
    _as(client, desk.head)
    for method, url in _urls(foreign):
        if url == reverse("pipelines:list"):
            continue
        assert getattr(client, method)(url).status_code == 404, (method, url)
    # Ids of this workspace's type with another's child rows are not found either.
    mine = _type(desk).pk
    status = foreign.statuses.first()
    assert status is not None
    url = reverse("pipelines:status_edit", args=[mine, status.pk])
    assert client.get(url).status_code == 404


def test_the_head_edits_a_pipeline_in_the_pages(client: Client, desk: Desk) -> None:
    _as(client, desk.head)
    item_type = _type(desk)
    listing = client.get(reverse("pipelines:list")).content.decode()
    assert "Design request" in listing and reverse("pipelines:export", args=[item_type.pk])
    detail = client.get(reverse("pipelines:detail", args=[item_type.pk]))
    page = detail.content.decode()
    assert detail.status_code == 200
    assert "Needs clarification" in page and "required_fields_filled" in page
    assert "<script>" not in page and "style=" not in page
    # A refused status form keeps what was typed and says why next to the field.
    new_url = reverse("pipelines:status_new", args=[item_type.pk])
    form = {"key": "new", "name_en": "Fresh", "colour": "info", "icon": "tag"}
    refused = client.post(new_url, form | {"category": "open", "position": 3})
    assert refused.status_code == 400
    assert 'class="field has-error"' in refused.content.decode()
    assert 'value="Fresh"' in refused.content.decode()
    saved = client.post(new_url, form | {"key": "fresh", "category": "open", "position": 3})
    assert saved.status_code == 302
    assert Status.objects.filter(item_type=item_type, key="fresh").exists()
    # Settings: inline error on a bad prefix.
    settings_form = {
        "name_en": "Design request",
        "number_prefix": "D R",
        "initial_status": _status(desk, "new").pk,
    }
    bad = client.post(reverse("pipelines:detail", args=[item_type.pk]), settings_form)
    assert bad.status_code == 400 and "letters or digits" in bad.content.decode()


def test_the_policy_matrix_page_saves_one_role(client: Client, desk: Desk) -> None:
    _as(client, desk.head)
    item_type = _type(desk)
    designer = Role.objects.get(workspace=desk.workspace, name="Designer")
    size = FieldDef.objects.get(item_type=item_type, key="size")
    progress = _status(desk, "in_progress")
    page = client.get(
        reverse("pipelines:detail", args=[item_type.pk]), {"who": f"role-{designer.pk}"}
    ).content.decode()
    assert f'name="cell-{size.pk}-{progress.pk}"' in page
    response = client.post(
        reverse("pipelines:policy", args=[item_type.pk]),
        {
            "who": f"role-{designer.pk}",
            f"cell-{size.pk}-{progress.pk}": "required",
            f"cell-{size.pk}-any": "",
        },
    )
    assert response.status_code == 302
    assert list(FieldRule.objects.filter(role=designer).values_list("mode", flat=True)) == [
        "required"
    ]


def test_export_download_and_import_upload(client: Client, desk: Desk) -> None:
    _as(client, desk.head)
    item_type = _type(desk)
    response = client.get(reverse("pipelines:export", args=[item_type.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="design-request.json"'
    data = json.loads(response.content)
    assert data == _export(desk)
    data |= {"key": "leaflet-request", "prefix": "LR", "name": {"en": "Leaflet", "ru": ""}}
    upload = SimpleUploadedFile("p.json", json.dumps(data).encode(), "application/json")
    imported = client.post(reverse("pipelines:list"), {"file": upload})
    created = ItemType.objects.get(workspace=desk.workspace, key="leaflet-request")
    assert imported["Location"] == reverse("pipelines:detail", args=[created.pk])
    bad = SimpleUploadedFile("p.json", b"{oops", "application/json")
    refused = client.post(reverse("pipelines:list"), {"file": bad})
    assert refused.status_code == 400 and "not JSON" in refused.content.decode()


def test_the_detail_page_query_count_is_flat_in_items(client: Client, desk: Desk) -> None:
    _as(client, desk.head)
    url = reverse("pipelines:detail", args=[_type(desk).pk])
    desk.submit()
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(8):
        item = desk.submit(title=f"Poster {n}")
        if n % 2:
            desk.step(desk.designer, item, "take")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


# ---------------------------------------------------------------- the change is live


def test_an_edited_pipeline_is_live_on_the_item_pages(client: Client, desk: Desk) -> None:
    """Rename a status, add a field required of the requester when filing and of the
    designer when taking, guard the take step: the item pages follow at once."""
    earlier = desk.submit()  # filed before the change: no budget
    item_type = _type(desk)
    progress = _status(desk, "in_progress")
    ps.status_save(
        actor=desk.head,
        workspace=desk.workspace,
        item_type_id=item_type.pk,
        status_id=progress.pk,
        key="in_progress",
        name_en="Being drawn",
        name_ru="Рисуется",
        colour=progress.colour,
        icon=progress.icon,
        category=progress.category,
        queued=progress.queued,
        position=progress.position,
    )
    budget = ps.field_save(
        actor=desk.head,
        workspace=desk.workspace,
        item_type_id=item_type.pk,
        key="budget",
        name_en="Print budget",
        kind="money",
        position=10,
    )
    designer = Role.objects.get(workspace=desk.workspace, name="Designer")
    ps.field_rule_set(
        actor=desk.head,
        workspace=desk.workspace,
        item_type_id=item_type.pk,
        relation="requester",
        cells={(budget.pk, _status(desk, "new").pk): "required"},
    )
    ps.field_rule_set(
        actor=desk.head,
        workspace=desk.workspace,
        item_type_id=item_type.pk,
        role_id=designer.pk,
        cells={(budget.pk, progress.pk): "required"},
    )
    take = Transition.objects.get(item_type=item_type, key="take")
    ps.transition_save(
        actor=desk.head,
        workspace=desk.workspace,
        item_type_id=item_type.pk,
        transition_id=take.pk,
        key="take",
        from_status_id=take.from_status_id,
        to_status_id=take.to_status_id,
        label_en=take.label_en,
        label_ru=take.label_ru,
        permission=take.permission,
        guard_names=["required_fields_filled"],
    )
    # Filing: the new field is on the form and required.
    _as(client, desk.applicant)
    form = {"title": "Banner", "outlet": desk.outlet.pk, **TASK}
    page = client.get(reverse("work:item_new")).content.decode()
    assert "Print budget" in page
    refused = client.post(reverse("work:item_new"), form)
    assert refused.status_code == 400
    assert 'class="field has-error"' in refused.content.decode()
    assert "Print budget" in refused.content.decode()
    filed = client.post(reverse("work:item_new"), form | {"budget": "1500.00", "file_anyway": "1"})
    assert filed.status_code == 302
    # A step: taking the earlier item now needs the budget, and names it.
    with pytest.raises(TransitionBlocked) as blocked:
        desk.step(desk.designer, earlier, "take")
    assert blocked.value.missing == ["Print budget"]
    _as(client, desk.designer)
    step = client.post(reverse("work:item_step", args=[earlier.pk, "take"]), follow=True)
    assert "Print budget" in step.content.decode()
    # The new item has its budget: taking it lands in the renamed status.
    item = Item.objects.get(title="Banner")
    assert item.values["budget"] == "1500.00"
    client.post(reverse("work:item_step", args=[item.pk, "take"]))
    detail = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assert "Being drawn" in detail


# ---------------------------------------------------------------- stages (P2 on the desk)


def _stage_args(desk: Desk, **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "actor": desk.head,
        "workspace": desk.workspace,
        "item_type_id": _type(desk).pk,
        "key": "proofread",
        "name_en": "Proofreading",
        "name_ru": "Корректура",
        "sign_permission": "work.manage",
        "position": 0,
    }
    return args | overrides


def _signable(desk: Desk) -> tuple[Stage, Item]:
    """A proofreading stage that the take step requires, and an item in the queue."""
    stage = ps.stage_save(**_stage_args(desk))
    take = Transition.objects.get(item_type=_type(desk), key="take")
    ps.transition_save(
        **_transition_args(
            desk,
            transition_id=take.pk,
            key="take",
            from_status_id=take.from_status_id,
            to_status_id=take.to_status_id,
            label_en=take.label_en,
            permission=take.permission,
            assignee_may=False,
            guard_names=list(take.guards),
            required_stage_keys=["proofread"],
            needs_comment=False,
            position=take.position,
        )
    )
    return stage, desk.submit()


def test_stage_save_creates_edits_and_records_events(desk: Desk) -> None:
    department = Department.objects.create(workspace=desk.workspace, name="Studio")
    stage = ps.stage_save(**_stage_args(desk, department_id=department.pk))
    assert (stage.key, stage.name_ru, stage.department, stage.sign_permission) == (
        "proofread",
        "Корректура",
        department,
        "work.manage",
    )
    ps.stage_save(
        **_stage_args(desk, stage_id=stage.pk, name_en="Proofs", sign_permission="", position=4)
    )
    stage.refresh_from_db()
    assert (stage.name_en, stage.sign_permission, stage.position) == ("Proofs", "", 4)
    assert stage.department is None
    changes = list(
        Event.objects.filter(verb="work.pipeline_changed").values_list("payload__change", flat=True)
    )
    assert changes == ["stage_saved", "stage_saved"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"key": "Not a slug!"}, "key"),
        ({"name_en": ""}, "name_en"),
        ({"sign_permission": "work.fly"}, "sign_permission"),
        ({"department_id": -1}, "department"),
        ({"position": -3}, "position"),
        ({"required_field_ids": [1]}, "required_fields"),  # a new stage has no fields
    ],
)
def test_stage_save_refusals_change_nothing(
    desk: Desk, overrides: dict[str, Any], field: str
) -> None:
    ps.stage_save(**_stage_args(desk))
    before = _export(desk)
    events = Event.objects.count()
    with pytest.raises(DomainError) as error:
        ps.stage_save(**_stage_args(desk, key="layout") | overrides)
    assert _refused(error, field)
    assert _export(desk) == before and Event.objects.count() == events


def test_stage_keys_are_unique_per_type_and_a_new_key_follows_into_steps(desk: Desk) -> None:
    stage, _item = _signable(desk)
    with pytest.raises(DomainError) as error:
        ps.stage_save(**_stage_args(desk, name_en="Again"))
    assert "already" in _refused(error, "key")
    ps.stage_save(**_stage_args(desk, stage_id=stage.pk, key="proofs"))
    take = Transition.objects.get(item_type=_type(desk), key="take")
    assert take.requires_stages == ["proofs"]


def test_a_new_required_stage_blocks_the_step_until_signed(desk: Desk) -> None:
    _stage, item = _signable(desk)
    with pytest.raises(TransitionBlocked) as blocked:
        desk.step(desk.designer, item, "take")
    assert blocked.value.missing == ["the sign-off of “Proofreading”"]
    item.refresh_from_db()
    assert item.status.key == "new"
    work_services.stage_sign(
        actor=desk.head, workspace=desk.workspace, item_id=item.pk, stage_key="proofread"
    )
    assert desk.step(desk.designer, item, "take").status.key == "in_progress"


def test_transition_save_refuses_an_unknown_stage(desk: Desk) -> None:
    before = _export(desk)
    with pytest.raises(DomainError) as error:
        ps.transition_save(**_transition_args(desk, required_stage_keys=["nowhere"]))
    assert "nowhere" in _refused(error, "requires_stages")
    assert _export(desk) == before


def test_stage_delete_and_its_refusals(desk: Desk) -> None:
    stage, item = _signable(desk)
    field = ps.field_save(**_field_args(desk, stage_id=stage.pk))
    with pytest.raises(DomainError, match="Paper"):  # its fields would go with it
        ps.stage_delete(actor=desk.head, workspace=desk.workspace, stage_id=stage.pk)
    ps.field_save(**_field_args(desk, field_id=field.pk, stage_id=None))
    with pytest.raises(DomainError, match="Take"):  # a step requires it
        ps.stage_delete(actor=desk.head, workspace=desk.workspace, stage_id=stage.pk)
    work_services.stage_sign(
        actor=desk.head, workspace=desk.workspace, item_id=item.pk, stage_key="proofread"
    )
    take = Transition.objects.get(item_type=_type(desk), key="take")
    Transition.objects.filter(pk=take.pk).update(requires_stages=[])
    before = _export(desk)
    with pytest.raises(DomainError) as error:  # signed off on an item: history
        ps.stage_delete(actor=desk.head, workspace=desk.workspace, stage_id=stage.pk)
    assert "signed off on items (1)" in error.value.message
    assert _export(desk) == before and SignOff.objects.filter(stage=stage).exists()
    SignOff.objects.filter(stage=stage).delete()
    ps.stage_delete(actor=desk.head, workspace=desk.workspace, stage_id=stage.pk)
    assert not Stage.objects.filter(pk=stage.pk).exists()
    assert Event.objects.filter(payload__change="stage_deleted").count() == 1


def test_only_configurers_edit_stages(desk: Desk) -> None:
    stage = ps.stage_save(**_stage_args(desk))
    with pytest.raises(Forbidden):
        ps.stage_save(**_stage_args(desk, actor=desk.designer, key="other"))
    with pytest.raises(Forbidden):
        ps.stage_delete(actor=desk.designer, workspace=desk.workspace, stage_id=stage.pk)
    assert list(Stage.objects.filter(item_type=_type(desk))) == [stage]


# ---------------------------------------------------------------- stage fields and required marks


def _order_type(office: Office) -> ItemType:
    return ItemType.objects.get(workspace=office.workspace, key="order")


def _stage(office: Office, key: str) -> Stage:
    return Stage.objects.get(item_type=_order_type(office), key=key)


def _required_names(office: Office, key: str) -> set[str]:
    return {
        f.name_en
        for f in FieldDef.objects.filter(pk__in=stage_required_field_ids(_stage(office, key)))
    }


def _save_stage(office: Office, key: str, **overrides: Any) -> Stage:
    stage = _stage(office, key)
    args: dict[str, Any] = {
        "actor": office.director,
        "workspace": office.workspace,
        "item_type_id": stage.item_type_id,
        "stage_id": stage.pk,
        "key": stage.key,
        "name_en": stage.name_en,
        "name_ru": stage.name_ru,
        "sign_permission": stage.sign_permission,
        "position": stage.position,
    }
    return ps.stage_save(**args | overrides)


def test_required_marks_move_the_stage_rules_between_edit_and_required(office: Office) -> None:
    technical = _stage(office, "technical")
    expert = FieldDef.objects.get(item_type=technical.item_type, key="expert")
    spec = FieldDef.objects.get(item_type=technical.item_type, key="technical_spec")
    assert _required_names(office, "technical") == {
        "Expert",
        "Technical specification",
        "Spec sent to Dept 3",
    }
    _save_stage(office, "technical", required_field_ids=[spec.pk])
    assert _required_names(office, "technical") == {"Technical specification"}
    # The head of dept 3 still fills the expert in, it is no longer a condition.
    assert set(FieldRule.objects.filter(field=expert).values_list("mode", flat=True)) == {"edit"}
    item = office.order()
    office.complete(item, "sales", "finance")  # the stages before it, in their order
    office.fill(office.manager, item, {"technical_spec": "Scope", "spec_sent": True})
    office.sign(office.head3, item, "technical")  # no expert chosen: signed all the same
    _save_stage(office, "technical", required_field_ids=[spec.pk, expert.pk])
    assert "Expert" in _required_names(office, "technical")


def test_a_field_nobody_fills_cannot_be_required(office: Office) -> None:
    sales = _stage(office, "sales")
    note = ps.field_save(
        actor=office.director,
        workspace=office.workspace,
        item_type_id=sales.item_type_id,
        key="sales_note",
        name_en="Sales note",
        stage_id=sales.pk,
    )
    before = _required_names(office, "sales")
    with pytest.raises(DomainError) as error:
        _save_stage(office, "sales", required_field_ids=[*stage_required_field_ids(sales), note.pk])
    assert "Sales note" in _refused(error, "required_fields")
    assert _required_names(office, "sales") == before
    fee = FieldDef.objects.get(item_type=sales.item_type, key="fee")
    with pytest.raises(DomainError) as error:  # not a field of this stage
        _save_stage(office, "finance", required_field_ids=[fee.pk])
    assert _refused(error, "required_fields")


def test_field_stage_and_computed(office: Office) -> None:
    finance = _stage(office, "finance")
    item_type = finance.item_type
    field = ps.field_save(
        actor=office.director,
        workspace=office.workspace,
        item_type_id=item_type.pk,
        key="share",
        name_en="Share",
        kind="number",
        stage_id=finance.pk,
    )
    finance_role = Role.objects.get(workspace=office.workspace, name="Finance")
    ps.field_rule_set(
        actor=office.director,
        workspace=office.workspace,
        item_type_id=item_type.pk,
        role_id=finance_role.pk,
        stage_id=finance.pk,
        cells={(field.pk, None): "edit"},
    )
    rule = FieldRule.objects.get(field=field)
    assert (rule.stage, rule.role, rule.mode) == (finance, finance_role, "edit")
    computed_field = ps.field_save(
        actor=office.director,
        workspace=office.workspace,
        item_type_id=item_type.pk,
        field_id=field.pk,
        key="share",
        name_en="Share",
        kind="number",
        stage_id=finance.pk,
        computed_name="percent_of_contract",
    )
    assert computed_field.computed == "percent_of_contract"
    rule.refresh_from_db()
    assert rule.mode == "read"  # a computed field is never filled in
    with pytest.raises(DomainError) as error:
        ps.field_rule_set(
            actor=office.director,
            workspace=office.workspace,
            item_type_id=item_type.pk,
            role_id=finance_role.pk,
            stage_id=finance.pk,
            cells={(field.pk, None): "required"},
        )
    assert "computed" in _refused(error, "cells")
    assert FieldRule.objects.get(field=field).mode == "read"
    for overrides, name in (({"computed_name": "guess"}, "computed"), ({"stage_id": -1}, "stage")):
        with pytest.raises(DomainError) as error:
            ps.field_save(
                actor=office.director,
                workspace=office.workspace,
                item_type_id=item_type.pk,
                key="other",
                name_en="Other",
                **overrides,
            )
        assert _refused(error, name)
    assert not FieldDef.objects.filter(key="other").exists()


# ---------------------------------------------------------------- files: stages, rules, computed


def _workspace_like(office: Office) -> tuple[Any, Any]:
    workspace, admin = make_workspace("Elsewhere")
    taken = set(Role.objects.filter(workspace=workspace).values_list("name", flat=True))
    for role in Role.objects.filter(workspace=office.workspace).exclude(name__in=taken):
        make_role(workspace, [], name=role.name)
    Department.objects.create(workspace=workspace, name="Dept 2")
    return workspace, admin


def test_a_staged_pipeline_round_trips_with_its_comment_rules(office: Office) -> None:
    department = Department.objects.create(workspace=office.workspace, name="Dept 2")
    _save_stage(office, "finance", department_id=department.pk)
    exported = item_type_export(_order_type(office))
    assert [s["department"] for s in exported["stages"]][:2] == [None, "Dept 2"]
    assert exported["sequential_stages"] is True
    archive = next(t for t in exported["transitions"] if t["key"] == "archive")
    assert archive["guards"] == ["all_stages_signed"]
    percent = next(f for f in exported["fields"] if f["key"] == "contract_percent")
    assert (percent["stage"], percent["computed"]) == ("finance", "percent_of_contract")
    assert {"role": "Expert", "sees": "own", "author_roles": []} in exported["message_visibility"]
    workspace, admin = _workspace_like(office)
    data = pipeline_file_parse(json.dumps(exported, ensure_ascii=False).encode())
    imported = ps.pipeline_import(actor=admin, workspace=workspace, data=data)
    assert item_type_export(imported) == exported
    # In place: the file's comment rules replace the type's.
    data["message_visibility"] = [{"role": "Expert", "sees": "all", "author_roles": []}]
    again = ps.pipeline_import(actor=admin, workspace=workspace, data=data)
    assert again.pk == imported.pk
    assert item_type_export(again)["message_visibility"] == data["message_visibility"]
    assert item_type_export(again) == data


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["stages"][0].update(department="Nowhere"), "Nowhere"),
        (lambda d: d["stages"][0].update(sign_permission="work.fly"), "work.fly"),
        (lambda d: d["message_visibility"].append({"role": "Pilot", "sees": "all"}), "Pilot"),
        (lambda d: d["message_visibility"][0].update(sees="everything"), "everything"),
        (
            lambda d: d["field_rules"].append(
                {"field": "contract_percent", "mode": "edit", "role": "Finance"}
            ),
            "contract_percent",
        ),
    ],
)
def test_import_refuses_bad_stages_and_rules(office: Office, change: Any, expected: str) -> None:
    before = item_type_export(_order_type(office))
    data = json.loads(json.dumps(before))
    change(data)
    with pytest.raises(DomainError) as error:
        ps.pipeline_import(actor=office.director, workspace=office.workspace, data=data)
    assert expected in _refused(error, "file")
    assert item_type_export(_order_type(office)) == before


# ---------------------------------------------------------------- pages: stages and comment rules


def test_the_head_edits_stages_in_the_pages(client: Client, desk: Desk) -> None:
    _as(client, desk.head)
    item_type = _type(desk)
    new_url = reverse("pipelines:stage_new", args=[item_type.pk])
    page = client.get(new_url).content.decode()
    assert 'name="sign_permission"' in page and 'name="required_fields"' not in page
    form = {"key": "Proof Read", "name_en": "Proofreading", "position": 0}
    refused = client.post(new_url, form | {"sign_permission": "work.manage"})
    assert refused.status_code == 400
    assert 'class="field has-error"' in refused.content.decode()
    assert 'value="Proofreading"' in refused.content.decode()
    assert not Stage.objects.exists()
    saved = client.post(new_url, form | {"key": "proofread", "sign_permission": "work.manage"})
    assert saved["Location"] == reverse("pipelines:detail", args=[item_type.pk]) + "#stages"
    stage = Stage.objects.get(item_type=item_type, key="proofread")
    detail = client.get(reverse("pipelines:detail", args=[item_type.pk])).content.decode()
    assert (
        "Proofreading" in detail
        and reverse("pipelines:stage_edit", args=[item_type.pk, stage.pk]) in detail
    )
    # A step and a field take the stage from their forms.
    take = Transition.objects.get(item_type=item_type, key="take")
    step = client.post(
        reverse("pipelines:transition_edit", args=[item_type.pk, take.pk]),
        {
            "key": "take",
            "label_en": take.label_en,
            "from_status": take.from_status_id,
            "to_status": take.to_status_id,
            "permission": take.permission,
            "requires_stages": ["proofread"],
            "position": take.position,
        },
    )
    assert step.status_code == 302
    take.refresh_from_db()
    assert take.requires_stages == ["proofread"]
    field = client.post(
        reverse("pipelines:field_new", args=[item_type.pk]),
        {"key": "proofs", "name_en": "Proofs", "kind": "text", "stage": stage.pk, "position": 9},
    )
    assert field.status_code == 302
    assert FieldDef.objects.get(key="proofs").stage == stage
    edit = client.get(reverse("pipelines:stage_edit", args=[item_type.pk, stage.pk]))
    assert 'name="required_fields"' in edit.content.decode()
    assert "data-confirm" in edit.content.decode()
    # Deleting is refused while a field belongs to it, and says why.
    delete_url = reverse("pipelines:stage_delete", args=[item_type.pk, stage.pk])
    refused_delete = client.post(delete_url, follow=True)
    assert "Fields belong to" in refused_delete.content.decode()
    assert Stage.objects.filter(pk=stage.pk).exists()
    FieldDef.objects.filter(key="proofs").delete()
    Transition.objects.filter(pk=take.pk).update(requires_stages=[])
    assert client.post(delete_url).status_code == 302
    assert not Stage.objects.filter(pk=stage.pk).exists()


def test_the_field_page_offers_the_registered_computations(client: Client, desk: Desk) -> None:
    _as(client, desk.head)
    item_type = _type(desk)
    url = reverse("pipelines:field_new", args=[item_type.pk])
    assert 'value="percent_of_contract"' in client.get(url).content.decode()
    form = {"key": "share", "name_en": "Share", "kind": "number", "position": 9}
    refused = client.post(url, form | {"computed": "guess"})
    assert refused.status_code == 400 and not FieldDef.objects.filter(key="share").exists()
    assert client.post(url, form | {"computed": "percent_of_contract"}).status_code == 302
    share = FieldDef.objects.get(key="share")
    assert share.computed == "percent_of_contract"
    page = client.get(reverse("pipelines:detail", args=[item_type.pk])).content.decode()
    cell = page.split(f'name="cell-{share.pk}-any"')[1].split("</select>")[0]
    assert 'value="read"' in cell and 'value="edit"' not in cell


def _office_urls(office: Office) -> list[tuple[str, str]]:
    t = _order_type(office)
    stage = _stage(office, "finance")
    rule = MessageVisibilityRule.objects.filter(item_type=t).first()
    assert rule is not None
    return [
        ("get", reverse("pipelines:detail", args=[t.pk])),
        ("get", reverse("pipelines:stage_new", args=[t.pk])),
        ("post", reverse("pipelines:stage_new", args=[t.pk])),
        ("get", reverse("pipelines:stage_edit", args=[t.pk, stage.pk])),
        ("post", reverse("pipelines:stage_edit", args=[t.pk, stage.pk])),
        ("post", reverse("pipelines:stage_delete", args=[t.pk, stage.pk])),
        ("get", reverse("pipelines:message_rule_new", args=[t.pk])),
        ("post", reverse("pipelines:message_rule_new", args=[t.pk])),
        ("get", reverse("pipelines:message_rule_edit", args=[t.pk, rule.pk])),
        ("post", reverse("pipelines:message_rule_edit", args=[t.pk, rule.pk])),
        ("post", reverse("pipelines:message_rule_delete", args=[t.pk, rule.pk])),
    ]


def test_stage_and_rule_pages_are_not_found_for_non_configurers(
    client: Client, office: Office
) -> None:
    before = item_type_export(_order_type(office))
    for user in (office.manager, office.expert, office.head3):
        _as(client, user)
        for method, url in _office_urls(office):
            assert getattr(client, method)(url).status_code == 404, (user, method, url)
    assert item_type_export(_order_type(office)) == before
    # Another workspace's configurer does not find them either.
    _workspace, admin = make_workspace("Other")
    _as(client, admin)
    for method, url in _office_urls(office):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert item_type_export(_order_type(office)) == before


def _bodies(office: Office, user: Any, item: Item) -> set[str]:
    return {m.body for m in message_list(actor=user, workspace=office.workspace, item=item)}


def test_an_edited_comment_rule_changes_what_the_expert_sees(
    client: Client, office: Office
) -> None:
    item = office.order()
    for user, body in ((office.manager, "from the manager"), (office.expert, "from the expert")):
        message_post(actor=user, workspace=office.workspace, item_id=item.pk, body=body)
    assert _bodies(office, office.expert, item) == {"from the expert"}
    item_type = _order_type(office)
    roles = {r.name: r for r in Role.objects.filter(workspace=office.workspace)}
    expert_rule = MessageVisibilityRule.objects.get(
        item_type=item_type, viewer_role=roles["Expert"]
    )
    url = reverse("pipelines:message_rule_edit", args=[item_type.pk, expert_rule.pk])
    _as(client, office.director)
    detail = client.get(reverse("pipelines:detail", args=[item_type.pk])).content.decode()
    assert "Who sees whose comments" in detail and url in detail
    # Bad input: a message next to the field, and nothing changes.
    refused = client.post(url, {"viewer_role": roles["Expert"].pk, "sees": "own_and_roles"})
    assert refused.status_code == 400
    assert "besides its own" in refused.content.decode()
    taken = client.post(url, {"viewer_role": roles["Manager"].pk, "sees": "all"})
    assert taken.status_code == 400 and "already has a rule" in taken.content.decode()
    expert_rule.refresh_from_db()
    assert expert_rule.sees == "own"
    assert _bodies(office, office.expert, item) == {"from the expert"}
    saved = client.post(
        url,
        {
            "viewer_role": roles["Expert"].pk,
            "sees": "own_and_roles",
            "author_roles": [roles["Manager"].pk],
        },
    )
    assert saved.status_code == 302
    assert _bodies(office, office.expert, item) == {"from the expert", "from the manager"}
    # Deleting the manager's rule: the manager is left with own messages only.
    manager_rule = MessageVisibilityRule.objects.get(
        item_type=item_type, viewer_role=roles["Manager"]
    )
    assert _bodies(office, office.manager, item) == {"from the expert", "from the manager"}
    deleted = client.post(
        reverse("pipelines:message_rule_delete", args=[item_type.pk, manager_rule.pk])
    )
    assert deleted.status_code == 302
    assert _bodies(office, office.manager, item) == {"from the manager"}
    # And a new rule through the add page.
    new = client.post(
        reverse("pipelines:message_rule_new", args=[item_type.pk]),
        {"viewer_role": roles["Manager"].pk, "sees": "all"},
    )
    assert new.status_code == 302
    assert _bodies(office, office.manager, item) == {"from the expert", "from the manager"}
    changes = Event.objects.filter(verb="work.pipeline_changed").values_list(
        "payload__change", flat=True
    )
    assert list(changes) == ["message_rule_saved", "message_rule_deleted", "message_rule_saved"]


def test_the_staged_pipeline_page_query_count_is_flat(client: Client, office: Office) -> None:
    _as(client, office.director)
    item_type = _order_type(office)
    url = reverse("pipelines:detail", args=[item_type.pk])
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(3):
        ps.stage_save(
            actor=office.director,
            workspace=office.workspace,
            item_type_id=item_type.pk,
            key=f"extra-{n}",
            name_en=f"Extra {n}",
            department_id=Department.objects.create(workspace=office.workspace, name=f"D{n}").pk,
        )
        role = make_role(office.workspace, [], name=f"Reader {n}")
        rule = MessageVisibilityRule.objects.create(
            item_type=item_type, viewer_role=role, sees="own_and_roles"
        )
        rule.author_roles.set(Role.objects.filter(workspace=office.workspace)[:2])
        item = office.order()
        office.fill(office.manager, item, test_stages.SALES)
        office.sign(office.manager, item, "sales")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.status_code == 200 and "Extra 2" in page.content.decode()
    assert len(many) == len(few)
