"""Items over the API: the same services and selectors as the pages, the same refusals."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from pult.api.services import api_token_create
from pult.desk import services as desk_services
from pult.work.models import Item
from tests.work.conftest import TASK, Desk

pytestmark = pytest.mark.django_db


def _bearer(user: Any, desk: Desk) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, workspace=desk.workspace, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, "PNG")
    return buffer.getvalue()


def test_file_read_and_walk_an_item(client: Client, desk: Desk) -> None:
    applicant, designer = _bearer(desk.applicant, desk), _bearer(desk.designer, desk)
    body = {
        "item_type": "design-request",
        "title": "Menu",
        "values": TASK,
        "outlet": desk.outlet.pk,
    }
    created = client.post("/api/v1/items", body, content_type="application/json", **applicant)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["reference"] == "DR-00001" and data["ahead"] == 0 and data["status"]["key"] == "new"
    taken = client.post(
        "/api/v1/items/take-next",
        {"item_type": "design-request"},
        content_type="application/json",
        **designer,
    )
    assert taken.json()["status"]["key"] == "in_progress"
    item_id = data["id"]
    refused = client.post(
        f"/api/v1/items/{item_id}/transitions/ask_clarification",
        {},
        content_type="application/json",
        **designer,
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == "This step needs: a comment."
    upload = client.post(
        f"/api/v1/items/{item_id}/attachments",
        {"file": SimpleUploadedFile("menu.png", _png(), "image/png"), "kind": "deliverable"},
        **designer,
    )
    assert upload.status_code == 201, upload.content
    done = client.post(
        f"/api/v1/items/{item_id}/transitions/complete",
        {},
        content_type="application/json",
        **designer,
    )
    assert done.json()["status"]["key"] == "completed"
    files = client.get(f"/api/v1/items/{item_id}/attachments", **applicant).json()
    assert [f["name"] for f in files] == ["menu.png"]
    assert client.get(files[0]["download_url"], **applicant).status_code in (200, 302)


def test_bad_input_is_refused_by_field_and_nothing_saved(client: Client, desk: Desk) -> None:
    body = {
        "item_type": "design-request",
        "title": "Menu",
        "values": {**TASK, "size": ""},
        "outlet": desk.outlet.pk,
    }
    response = client.post(
        "/api/v1/items", body, content_type="application/json", **_bearer(desk.applicant, desk)
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"size"}
    assert not Item.objects.exists()


def test_an_outsider_finds_nothing(client: Client, desk: Desk) -> None:
    item = desk.submit()
    stranger = _bearer(desk.stranger, desk)
    assert client.get(f"/api/v1/items/{item.pk}", **stranger).status_code == 404
    assert client.get(f"/api/v1/items/{item.pk}/messages", **stranger).status_code == 404
    assert client.get(f"/api/v1/items/{item.pk}/attachments", **stranger).status_code == 404
    assert client.get("/api/v1/items", **stranger).json()["items"] == []
    moved = client.post(
        f"/api/v1/items/{item.pk}/transitions/accept",
        {},
        content_type="application/json",
        **stranger,
    )
    assert moved.status_code == 404


def test_internal_notes_stay_inside(client: Client, desk: Desk) -> None:
    item = desk.submit()
    designer, applicant = _bearer(desk.designer, desk), _bearer(desk.applicant, desk)
    url = f"/api/v1/items/{item.pk}/messages"
    client.post(
        url, {"body": "Logo is old", "internal": True}, content_type="application/json", **designer
    )
    client.post(url, {"body": "Which logo?"}, content_type="application/json", **designer)
    assert [m["body"] for m in client.get(url, **designer).json()] == ["Logo is old", "Which logo?"]
    assert [m["body"] for m in client.get(url, **applicant).json()] == ["Which logo?"]
    refused = client.post(
        url, {"body": "x", "internal": True}, content_type="application/json", **applicant
    )
    assert refused.status_code in (400, 403)


def test_list_filters_like_the_page(client: Client, desk: Desk) -> None:
    desk.submit(title="Poster")
    leaflet = desk.submit(title="Leaflet", material_type="leaflet")
    listed = client.get(
        "/api/v1/items", {"f_material_type": "leaflet"}, **_bearer(desk.head, desk)
    ).json()
    assert [i["reference"] for i in listed["items"]] == [leaflet.reference]


def assert_listed_as_in_detail(client: Client, auth: dict[str, str]) -> None:
    """The list reads plain rows, the detail reads the model: each item the caller
    lists looks the same in both (but for `ahead`, the detail's queue place)."""
    listed = client.get("/api/v1/items", **auth).json()["items"]
    assert listed
    for item in listed:
        detail = client.get(f"/api/v1/items/{item['id']}", **auth).json()
        assert item == {**detail, "ahead": None}


def test_the_list_shows_each_item_as_its_page_does(client: Client, desk: Desk) -> None:
    desk.submit(title="Taken")  # the first in the queue
    waiting = desk.submit(title="Waiting")
    desk_services.work_item_take_next(
        actor=desk.designer, workspace=desk.workspace, item_type_key="design-request"
    )
    desk.submit(desk.stranger, title="Another outlet's")
    Item.objects.filter(pk=waiting.pk).update(urgent_at=timezone.now())
    for user in (desk.head, desk.designer, desk.applicant, desk.stranger):
        assert_listed_as_in_detail(client, _bearer(user, desk))
    head = client.get("/api/v1/items", **_bearer(desk.head, desk)).json()["items"]
    assert {i["title"]: len(i["assignees"]) for i in head} == {
        "Waiting": 0,
        "Taken": 1,
        "Another outlet's": 0,
    }


def test_the_item_list_is_flat_in_queries(
    client: Client, desk: Desk, django_assert_max_num_queries: Any
) -> None:
    head = _bearer(desk.head, desk)
    for _ in range(2):
        desk.submit()
    client.get("/api/v1/items", **head)  # warm per-process caches
    with django_assert_max_num_queries(15) as few:
        assert len(client.get("/api/v1/items", **head).json()["items"]) == 2
    for _ in range(12):
        desk.submit()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/items", **head).json()["items"]) == 14
