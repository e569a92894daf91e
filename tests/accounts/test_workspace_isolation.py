"""Two workspaces: a member of one finds nothing of the other, anywhere (404)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from pult.access.models import Role
from pult.accounts.models import Membership
from pult.accounts.services import profile_update
from pult.api.services import api_token_create
from pult.notifications.models import Notification, NotificationRule
from tests.conftest import login
from tests.factories import make_member, make_workspace, notify_of_role_change

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def two_workspaces() -> dict[str, Any]:
    north, _north_admin = make_workspace("North")
    south, south_admin = make_workspace("South")
    # A secret person, role and notification in South.
    secret = make_member(south, ["accounts.view_directory"], full_name="Zinaida Secretova")
    profile_update(actor=secret, changes={}, avatar=_png())
    notify_of_role_change(south, south_admin, secret)
    rule = NotificationRule.objects.get(workspace=south)
    # A North member with every permission there.
    north_member = make_member(
        north, roles=list(Role.objects.filter(workspace=north)), full_name="Nikolai Northov"
    )
    return {
        "north": north,
        "south": south,
        "north_member": north_member,
        "secret": secret,
        "south_role": Role.objects.get(workspace=south, name="Administrator"),
        "south_rule": rule,
        "south_notification": Notification.objects.get(recipient=secret),
    }


def test_pages_and_files_of_another_workspace_are_not_found(
    two_workspaces: dict[str, Any], client: Client
) -> None:
    w = two_workspaces
    login(client, w["north_member"])
    not_found = [
        f"/people/{w['secret'].pk}/",
        f"/people/{w['secret'].pk}/edit/",
        f"/files/avatars/{w['secret'].pk}/",
        f"/roles/{w['south_role'].pk}/",
        f"/notifications/rules/{w['south_rule'].pk}/",
    ]
    for url in not_found:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Secretova" not in response.content
    for url in [
        f"/roles/{w['south_role'].pk}/delete/",
        f"/notifications/{w['south_notification'].pk}/read/",
        f"/notifications/rules/{w['south_rule'].pk}/delete/",
    ]:
        assert client.post(url).status_code == 404, url
    # Switching into a workspace one is not a member of does not exist either.
    assert client.post("/workspaces/switch/", {"workspace": w["south"].pk}).status_code == 404
    w["south_notification"].refresh_from_db()
    assert w["south_notification"].read_at is None
    assert Role.objects.filter(pk=w["south_role"].pk).exists()


def test_feed_inbox_and_search_show_nothing_of_another_workspace(
    two_workspaces: dict[str, Any], client: Client
) -> None:
    w = two_workspaces
    login(client, w["north_member"])
    secret_link = f"/people/{w['secret'].pk}/".encode()
    for url in ["/activity/", "/notifications/", "/people/", "/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Secretova" not in response.content, url
        assert b"South" not in response.content, url
    # Searches echo the query, so look for the person's link and e-mail instead.
    for url in ["/search/?q=Secretova", "/people/?q=Secretova"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert secret_link not in response.content, url
        assert w["secret"].email.encode() not in response.content, url
    # The North feed does show North's own events (the test can fail).
    assert b"Nikolai Northov" in client.get("/activity/").content


def test_api_records_of_another_workspace_are_not_found(
    two_workspaces: dict[str, Any], client: Client
) -> None:
    w = two_workspaces
    _token, raw = api_token_create(actor=w["north_member"], workspace=w["north"], name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    role_url = f"/api/v1/roles/{w['south_role'].pk}"
    assert client.get(role_url, **auth).status_code == 404
    response = client.put(
        role_url, {"name": "Hijacked", "permissions": []}, content_type="application/json", **auth
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.delete(role_url, **auth).status_code == 404
    read_url = f"/api/v1/notifications/{w['south_notification'].pk}/read"
    assert client.post(read_url, **auth).status_code == 404
    roles = client.get("/api/v1/roles", **auth).json()["items"]
    assert {r["name"] for r in roles} and all(r["name"] != "Hijacked" for r in roles)
    assert w["south_role"].pk not in {r["id"] for r in roles}
    me = client.get("/api/v1/me", **auth).json()
    assert me["workspace"]["name"] == "North"
    inbox = client.get("/api/v1/notifications", **auth).json()
    assert all("Secretova" not in item["text"] for item in inbox["items"])
    assert Role.objects.get(pk=w["south_role"].pk).name == "Administrator"


def test_a_member_of_both_switches_and_sees_each_in_turn(
    two_workspaces: dict[str, Any], client: Client
) -> None:
    w = two_workspaces
    Membership.objects.create(workspace=w["south"], user=w["north_member"])
    login(client, w["north_member"])
    home = client.get("/").content.decode()
    assert 'id="workspace-select"' in home
    response = client.post("/workspaces/switch/", {"workspace": w["south"].pk})
    assert response.status_code == 302
    # In South without a role: no directory there, so no Secretova.
    assert client.get("/people/").status_code == 403
    assert b'data-workspace="%d"' % w["south"].pk in client.get("/").content
