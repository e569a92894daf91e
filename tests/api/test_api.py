"""The API: tokens and session auth, one error format, roles through the same services."""

from __future__ import annotations

import pytest
from django.test import Client

from pult.access.models import Role
from pult.api.services import api_token_create, api_token_revoke
from tests.conftest import login
from tests.factories import make_member, make_workspace, notify_of_role_change

pytestmark = pytest.mark.django_db


def _bearer(user: object, workspace: object) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, workspace=workspace, name="t")  # type: ignore[arg-type]
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_openapi_document_is_published(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Pult API"
    assert {"/api/v1/me", "/api/v1/roles", "/api/v1/notifications"} <= set(schema["paths"])


def test_no_credentials_or_a_revoked_token_is_401(client: Client) -> None:
    workspace, admin = make_workspace()
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    token, raw = api_token_create(actor=admin, workspace=workspace, name="t")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    api_token_revoke(actor=admin, token_id=token.pk)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer pult_guess").status_code == 401


def test_a_token_acts_in_its_own_workspace_while_the_person_belongs_there(
    client: Client,
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from pult.accounts.models import Membership
    from pult.api.models import ApiToken

    first, _admin = make_workspace("First")
    second, _other = make_workspace("Second")
    member = make_member(first, ["activity.view_feed"])
    Membership.objects.create(workspace=second, user=member)
    token, raw = api_token_create(actor=member, workspace=second, name="t")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/me", **bearer).json()["workspace"]["name"] == "Second"
    # Used just now: a second call within the minute does not write again.
    used = ApiToken.objects.get(pk=token.pk).last_used_at
    assert used is not None and timezone.now() - used < timedelta(seconds=30)
    client.get("/api/v1/me", **bearer)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == used

    Membership.objects.filter(user=member, workspace=second).update(is_active=False)
    assert client.get("/api/v1/me", **bearer).status_code == 401  # not the first workspace
    Membership.objects.filter(user=member, workspace=second).update(is_active=True)
    assert client.get("/api/v1/me", **bearer).status_code == 200
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.get("/api/v1/me", **bearer).status_code == 401


def test_me_reads_and_updates_through_the_profile_service(client: Client) -> None:
    workspace, _admin = make_workspace("Acme")
    member = make_member(workspace, ["activity.view_feed"])
    auth = _bearer(member, workspace)
    me = client.get("/api/v1/me", **auth).json()
    assert me["workspace"]["name"] == "Acme" and me["permissions"] == ["activity.view_feed"]
    ok = client.patch(
        "/api/v1/me",
        {"phone": "+7 999 111-22-33", "locale": "ru"},
        content_type="application/json",
        **auth,
    )
    assert ok.status_code == 200 and ok.json()["locale"] == "ru"
    bad = client.patch(
        "/api/v1/me", {"time_zone": "Mars/Base"}, content_type="application/json", **auth
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["time_zone"]
    member.refresh_from_db()
    assert member.time_zone == "Europe/Moscow" and member.phone == "+7 999 111-22-33"


def test_roles_crud_for_role_admins_only(client: Client) -> None:
    workspace, admin = make_workspace()
    auth = _bearer(admin, workspace)
    created = client.post(
        "/api/v1/roles",
        {"name": "Auditor", "permissions": ["activity.view_feed"]},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    role_id = created.json()["id"]
    assert created.json()["permissions"] == ["activity.view_feed"]
    updated = client.put(
        f"/api/v1/roles/{role_id}",
        {"name": "Auditors", "permissions": ["accounts.view_directory"]},
        content_type="application/json",
        **auth,
    )
    assert updated.json()["name"] == "Auditors"
    assert updated.json()["permissions"] == ["accounts.view_directory"]
    duplicate = client.post(
        "/api/v1/roles", {"name": "auditors"}, content_type="application/json", **auth
    )
    assert duplicate.status_code == 400 and duplicate.json()["error"]["fields"]["name"]
    invalid = client.post(
        "/api/v1/roles", {"permissions": "nope"}, content_type="application/json", **auth
    )
    assert invalid.status_code == 422 and invalid.json()["error"]["code"] == "invalid"
    page = client.get("/api/v1/roles?limit=1", **auth).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    assert client.delete(f"/api/v1/roles/{role_id}", **auth).status_code == 204
    assert not Role.objects.filter(pk=role_id).exists()

    member = make_member(workspace, ["activity.view_feed"])
    member_auth = _bearer(member, workspace)
    assert client.get("/api/v1/roles", **member_auth).status_code == 403
    admin_role = Role.objects.get(workspace=workspace, name="Administrator")
    assert client.get(f"/api/v1/roles/{admin_role.pk}", **member_auth).status_code == 404
    assert client.delete(f"/api/v1/roles/{admin_role.pk}", **member_auth).status_code == 404
    assert Role.objects.filter(pk=admin_role.pk).exists()


def test_session_auth_needs_the_csrf_token_for_writes() -> None:
    _workspace, admin = make_workspace()
    client = Client(enforce_csrf_checks=True)
    login_page = client.get("/accounts/login/")
    token = login_page.cookies["csrftoken"].value
    client.post(
        "/accounts/login/",
        {"username": admin.email, "password": "correct-horse-42", "csrfmiddlewaretoken": token},
    )
    assert client.get("/api/v1/me").status_code == 200
    refused = client.post("/api/v1/roles", {"name": "X"}, content_type="application/json")
    assert refused.status_code in {401, 403}
    assert not Role.objects.filter(name="X").exists()
    accepted = client.post(
        "/api/v1/roles",
        {"name": "X"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert accepted.status_code == 201


def test_notifications_list_and_read(client: Client) -> None:
    from pult.notifications.models import Notification

    workspace, admin = make_workspace()
    member = make_member(workspace, [])
    notify_of_role_change(workspace, admin, member)
    login(client, member)
    inbox = client.get("/api/v1/notifications").json()
    assert inbox["unread"] == 1 and "changed the roles" in inbox["items"][0]["text"]
    client.get("/")  # the session's CSRF cookie
    read = client.post(
        f"/api/v1/notifications/{inbox['items'][0]['id']}/read",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert read.status_code == 204
    # Token clients do not need CSRF.
    auth = _bearer(member, workspace)
    assert client.post("/api/v1/notifications/read-all", **auth).status_code == 204
    assert Notification.objects.get(recipient=member).read_at is not None
