"""A step's effects are pipeline data: a file carries them (and only when a step has
some, so older files and the presets export as they did), the editor sets and clears
them, both through the one writer of a step, and a step with effects changes an item
the same way whichever way it is taken — the item page, the board, the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pult.activity.models import Event
from pult.api.services import api_token_create
from pult.core.exceptions import DomainError
from pult.pipelines import services as ps
from pult.pipelines.files import pipeline_file_parse
from pult.pipelines.io import item_type_export
from pult.presets.services import preset_load
from pult.work import effects
from pult.work.models import FieldDef, Item, ItemType, StepEffect, Transition
from tests.conftest import login
from tests.factories import make_role, make_workspace
from tests.work.conftest import Desk  # the `desk` fixture is shared by tests/conftest.py

pytestmark = pytest.mark.django_db

# The keys of a step in a file before steps had effects.
STEP_KEYS = {
    "key",
    "from",
    "to",
    "label",
    "permission",
    "requester",
    "assignee",
    "guards",
    "requires_stages",
    "needs_comment",
}
HAND_BACK = [
    {"name": "set_field", "params": {"key": "material_type", "value": "banner"}},
    {"name": "unassign", "params": {}},
]


def _type(desk: Desk) -> ItemType:
    return ItemType.objects.get(workspace=desk.workspace, key="design-request")


def _data(desk: Desk) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(item_type_export(_type(desk))))
    return data


def _step(desk: Desk, key: str) -> Transition:
    return Transition.objects.get(item_type=_type(desk), key=key)


def _effects(step: Transition) -> list[tuple[str, dict[str, Any]]]:
    return [(e.name, e.params) for e in StepEffect.objects.filter(transition=step)]


def _hand_back(desk: Desk) -> Transition:
    """A designer hands a request back to the queue: it goes to nobody, as a banner."""
    statuses = {s.key: s.pk for s in _type(desk).statuses.all()}
    return ps.transition_save(
        actor=desk.head,
        workspace=desk.workspace,
        item_type_id=_type(desk).pk,
        key="hand_back",
        from_status_id=statuses["in_progress"],
        to_status_id=statuses["new"],
        label_en="Hand back",
        assignee_may=True,
        position=20,
        effects=[(e["name"], e["params"]) for e in HAND_BACK],
    )


# ---------------------------------------------------------------- files


def test_the_presets_export_as_before_without_effects(desk: Desk) -> None:
    preset_load("expertise-orders", slug="orders-effects")
    types = ItemType.objects.filter(workspace__slug__in=["desk-test", "orders-effects"])
    assert types.count() >= 2
    for item_type in types:
        for step in item_type_export(item_type)["transitions"]:
            assert set(step) == STEP_KEYS, (item_type.key, step["key"])


def test_a_file_round_trip_keeps_the_steps_effects(desk: Desk) -> None:
    data = _data(desk)
    answer = next(t for t in data["transitions"] if t["key"] == "return_for_revision")
    answer["effects"] = [
        {"name": "unassign", "params": {}},
        {"name": "set_field", "params": {"key": "size", "value": "A4"}},
        {"name": "start_clock", "params": {}},
    ]
    replaced = ps.pipeline_import(actor=desk.head, workspace=desk.workspace, data=data)
    assert item_type_export(replaced) == data
    assert _effects(_step(desk, "return_for_revision")) == [
        ("unassign", {}),
        ("set_field", {"key": "size", "value": "A4"}),
        ("start_clock", {}),
    ]
    # Into another workspace, through the file format, as the download gives it.
    workspace, admin = make_workspace("Elsewhere")
    for name in ("Marketing head", "Designer", "Applicant"):
        make_role(workspace, [], name=name)
    content = json.dumps(item_type_export(replaced), ensure_ascii=False).encode()
    copy = ps.pipeline_import(actor=admin, workspace=workspace, data=pipeline_file_parse(content))
    assert item_type_export(copy) == data
    # Only the steps with effects name them.
    assert [t["key"] for t in item_type_export(copy)["transitions"] if "effects" in t] == [
        "return_for_revision"
    ]


@pytest.mark.parametrize(
    ("effect", "expected"),
    [
        ({"name": "launch_rockets", "params": {}}, "unknown effect “launch_rockets”"),
        ({"name": "unassign", "params": ["x"]}, "an effect's parameters must be an object"),
        ({"params": {}}, "effects must be a list of objects"),
        (
            {"name": "set_field", "params": {"key": "shoe_size", "value": "42"}},
            "unknown field “shoe_size”",
        ),
        # What the editor refuses, a file is refused too, naming the step.
        (
            {"name": "set_field", "params": {"key": "material_type", "value": "statue"}},
            "step “accept”: Choose one of the offered values.",
        ),
    ],
)
def test_a_file_with_a_bad_effect_is_refused_and_nothing_is_written(
    desk: Desk, effect: dict[str, Any], expected: str
) -> None:
    before = item_type_export(_type(desk))
    data = _data(desk)
    next(t for t in data["transitions"] if t["key"] == "accept")["effects"] = [
        {"name": "unassign", "params": {}},
        effect,
    ]
    data["name"] = {"en": "Changed", "ru": ""}
    with pytest.raises(DomainError) as error:
        ps.pipeline_import(actor=desk.head, workspace=desk.workspace, data=data)
    message = error.value.field_errors["file"][0]
    assert message.startswith("The pipeline file is not valid: ") and expected in message
    assert item_type_export(_type(desk)) == before
    assert not StepEffect.objects.exists()
    assert not Event.objects.filter(verb="work.pipeline_changed").exists()


def test_every_built_in_effect_has_a_label() -> None:
    built_in = {"assign_actor", "unassign", "set_field", "start_clock"}
    assert built_in <= set(effects.names())
    assert all(effects.label(name) != name for name in built_in)
    assert effects.label("gone_effect") == "gone_effect"


# ---------------------------------------------------------------- the editor


def _edit_form(step: Transition, **changes: Any) -> dict[str, Any]:
    form = {
        "key": step.key,
        "label_en": step.label_en,
        "label_ru": step.label_ru,
        "from_status": step.from_status_id or "",
        "to_status": step.to_status_id,
        "permission": step.permission,
        "guards": list(step.guards),
        "position": step.position,
    }
    if step.assignee_may:
        form["assignee_may"] = "on"
    if step.requester_may:
        form["requester_may"] = "on"
    if step.needs_comment:
        form["needs_comment"] = "on"
    return form | changes


def test_the_editor_sets_and_clears_a_steps_effects(client: Client, desk: Desk) -> None:
    login(client, desk.head)
    step = _step(desk, "accept")
    url = reverse("pipelines:transition_edit", args=[_type(desk).pk, step.pk])
    page = client.get(url).content.decode()
    assert "Unassign everyone" in page and "Start the work clock" in page
    assert 'name="set_field_key"' in page and 'name="set_field_value"' in page
    # A value the field would refuse is refused next to it, and nothing is written.
    refused = client.post(
        url,
        _edit_form(
            step, effects=["unassign"], set_field_key="material_type", set_field_value="statue"
        ),
    )
    assert refused.status_code == 400 and "Choose one of the offered values." in (
        refused.content.decode()
    )
    assert _effects(step) == []
    saved = client.post(
        url,
        _edit_form(
            step, effects=["unassign"], set_field_key="material_type", set_field_value="banner"
        ),
    )
    assert saved.status_code == 302
    assert _effects(step) == [
        ("unassign", {}),
        ("set_field", {"key": "material_type", "value": "banner"}),
    ]
    detail = client.get(reverse("pipelines:detail", args=[_type(desk).pk])).content.decode()
    assert "Unassign everyone" in detail and "Set a field: Material type = Banner" in detail
    assert "Assign whoever takes the step (when taken from the queue)" in detail  # the take
    # The page shows what is set; saving it unchanged keeps it.
    page = client.get(url).content.decode()
    assert 'value="banner"' in page
    assert (
        client.post(
            url,
            _edit_form(
                step, effects=["unassign"], set_field_key="material_type", set_field_value="banner"
            ),
        ).status_code
        == 302
    )
    assert len(_effects(step)) == 2
    # Unticked and no field chosen: the step has no effects any more.
    assert client.post(url, _edit_form(step)).status_code == 302
    assert _effects(step) == []


def test_an_edit_keeps_what_the_form_does_not_show(desk: Desk) -> None:
    """A file's second set_field stays when the step is saved in the editor; a step saved
    without `effects` (None) keeps them all."""
    data = _data(desk)
    next(t for t in data["transitions"] if t["key"] == "accept")["effects"] = [
        {"name": "set_field", "params": {"key": "size", "value": "A4"}},
        {"name": "start_clock", "params": {}},
        {"name": "set_field", "params": {"key": "wishes", "value": "Done"}},
    ]
    ps.pipeline_import(actor=desk.head, workspace=desk.workspace, data=data)
    step = _step(desk, "accept")
    args = {
        "actor": desk.head,
        "workspace": desk.workspace,
        "item_type_id": _type(desk).pk,
        "transition_id": step.pk,
        "key": step.key,
        "from_status_id": step.from_status_id,
        "to_status_id": step.to_status_id,
        "label_en": "Accept it",
        "requester_may": True,
    }
    ps.transition_save(**args)
    assert len(_effects(step)) == 3
    from pult.pipelines.row_views import _transition_form

    form = _transition_form(
        {**_edit_form(step), "set_field_key": "size", "set_field_value": "A5"}, _type(desk), step
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["effect_rows"] == [
        ("set_field", {"key": "size", "value": "A5"}),
        ("set_field", {"key": "wishes", "value": "Done"}),
    ]


def test_a_field_a_step_sets_stays_and_its_new_key_follows(desk: Desk) -> None:
    step = _step(desk, "accept")
    args = {
        "actor": desk.head,
        "workspace": desk.workspace,
        "item_type_id": _type(desk).pk,
        "transition_id": step.pk,
        "key": step.key,
        "from_status_id": step.from_status_id,
        "to_status_id": step.to_status_id,
        "label_en": step.label_en,
        "requester_may": True,
    }
    ps.transition_save(**args, effects=[("set_field", {"key": "size", "value": "A4"})])
    field = FieldDef.objects.get(item_type=_type(desk), key="size")
    with pytest.raises(DomainError, match="Accept"):
        ps.field_delete(actor=desk.head, workspace=desk.workspace, field_id=field.pk)
    base = {
        "actor": desk.head,
        "workspace": desk.workspace,
        "item_type_id": _type(desk).pk,
        "field_id": field.pk,
        "name_en": field.name_en,
    }
    # As a number, the field would refuse the step's "A4".
    with pytest.raises(DomainError) as error:
        ps.field_save(**base, key="size", kind="number")
    assert "Accept" in error.value.field_errors["kind"][0]
    ps.field_save(**base, key="format", kind="text")
    assert _effects(step) == [("set_field", {"key": "format", "value": "A4"})]


# ---------------------------------------------------------------- every way of taking it


def _by_page(desk: Desk, item: Item) -> int:
    client = Client()
    client.force_login(desk.designer)
    return client.post(reverse("work:item_step", args=[item.pk, "hand_back"])).status_code


def _by_board(desk: Desk, item: Item) -> int:
    client = Client()
    client.force_login(desk.designer)
    return client.post(reverse("work:item_move", args=[item.pk]), {"to": "new"}).status_code


def _by_api(desk: Desk, item: Item) -> int:
    _token, raw = api_token_create(actor=desk.designer, workspace=desk.workspace, name="t")
    response = Client().post(
        f"/api/v1/items/{item.pk}/transitions/hand_back",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    return response.status_code


def test_a_step_with_effects_changes_the_item_the_same_way_every_way(desk: Desk) -> None:
    _hand_back(desk)
    ways: list[Callable[[Desk, Item], int]] = [_by_page, _by_board, _by_api]
    outcomes = []
    for way in ways:
        item = desk.submit(title=f"Poster by {way.__name__}")
        desk.step(desk.designer, item, "take")
        assert list(item.assignees.all()) == [desk.designer]
        assert way(desk, item) in (200, 204, 302), way.__name__
        item.refresh_from_db()
        outcomes.append(
            (
                item.status.key,
                item.in_queue,
                list(item.assignees.all()),
                item.values["material_type"],
                {k: v for k, v in item.values.items() if k != "material_type"},
            )
        )
    assert outcomes[0][:4] == ("new", True, [], "banner")
    assert outcomes[0][4]["size"] == "A3 portrait"  # the other values stay
    assert outcomes == [outcomes[0]] * 3
