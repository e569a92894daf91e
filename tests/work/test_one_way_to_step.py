"""One answer to "which steps may I take here": the item page's buttons, the board's
columns and `GET /api/v1/items/{id}/steps` read `available_steps`; and the writers find
the item through what their actor may see, so an item not theirs is not found even
when the caller skipped the check."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pult.api.services import api_token_create
from pult.core.exceptions import NotFound
from pult.work import services
from pult.work.models import Item
from pult.work.steps import available_steps, step_to
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _api(desk: Desk, user: object, path: str) -> tuple[int, object]:
    _token, raw = api_token_create(actor=user, workspace=desk.workspace, name="t")  # type: ignore[arg-type]
    response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")
    return response.status_code, response.json()


def test_page_board_and_api_offer_the_same_steps(desk: Desk) -> None:
    item = desk.submit(title="Poster")
    steps = available_steps(desk.designer, item)
    assert [s.key for s in steps if s.available] == ["take"]

    status, body = _api(desk, desk.designer, f"/api/v1/items/{item.pk}/steps")
    assert status == 200
    assert [(s["key"], s["available"], s["to_status"]["key"]) for s in body] == [  # type: ignore[union-attr,index]
        (s.key, s.available, s.to_status.key) for s in steps
    ]
    client = Client()
    client.force_login(desk.designer)
    page = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    for step in steps:
        assert f'data-step="{step.key}"' in page
    # The board: a drop on a column takes the step that leads there.
    chosen = step_to(desk.designer, item, "in_progress")
    assert chosen is not None and chosen.key == "take"
    assert step_to(desk.designer, item, "no_such_column") is None


def test_a_blocked_step_says_what_it_needs_everywhere(desk: Desk) -> None:
    item = desk.submit(title="Poster")
    desk.step(desk.designer, item, "take")
    item = Item.objects.get(pk=item.pk)
    complete = next(s for s in available_steps(desk.designer, item) if s.key == "complete")
    assert not complete.available and complete.missing  # a layout must be attached first
    _status, body = _api(desk, desk.designer, f"/api/v1/items/{item.pk}/steps")
    from_api = next(s for s in body if s["key"] == "complete")  # type: ignore[union-attr,index]
    assert from_api["available"] is False and from_api["missing"] == list(complete.missing)


def test_the_requester_sees_only_their_own_steps(desk: Desk) -> None:
    item = desk.submit(title="Poster")
    keys = {s.key for s in available_steps(desk.applicant, item)}
    assert "take" not in keys


def test_an_item_not_theirs_is_not_found_by_any_way(desk: Desk) -> None:
    item = desk.submit(applicant=desk.stranger, title="Another outlet's poster")
    # The service itself refuses, with no view in front of it.
    with pytest.raises(NotFound):
        services.work_item_transition(
            actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, transition_key="cancel"
        )
    with pytest.raises(NotFound):
        services.work_item_update(
            actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, values={}
        )
    client = Client()
    client.force_login(desk.applicant)
    assert client.post(reverse("work:item_step", args=[item.pk, "cancel"])).status_code == 404
    assert client.post(reverse("work:item_move", args=[item.pk]), {"to": "x"}).status_code == 404
    status, _body = _api(desk, desk.applicant, f"/api/v1/items/{item.pk}/steps")
    assert status == 404
    _token, raw = api_token_create(actor=desk.applicant, workspace=desk.workspace, name="w")
    response = Client().post(
        f"/api/v1/items/{item.pk}/transitions/cancel",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status.key == "new"
