"""Bad input on every form: a clear message next to the field, and nothing saved."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from pult.access.models import Role, RolePermission
from pult.accounts.models import Department, Membership, User, Workspace
from pult.api.models import ApiToken
from pult.notifications.models import NotificationRule
from tests.conftest import login
from tests.factories import make_workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> tuple[Client, Workspace, User]:
    workspace, admin = make_workspace("Acme")
    login(client, admin)
    return client, workspace, admin


def _refused(response: Any, *messages: str) -> str:
    assert response.status_code == 400, response.status_code
    page = response.content.decode()
    assert "data-form-summary" in page
    for message in messages:
        assert message in page, message
    return page


def test_profile(admin_client: tuple[Client, Workspace, User]) -> None:
    client, _workspace, admin = admin_client
    before = User.objects.values().get(pk=admin.pk)
    _refused(
        client.post("/accounts/profile/", {"full_name": "", "time_zone": "Europe/Moscow"}),
        "This field is required.",
    )
    _refused(
        client.post(
            "/accounts/profile/",
            {"full_name": "A", "phone": "call me", "time_zone": "Europe/Moscow"},
        ),
        "Enter a phone number",
    )
    _refused(
        client.post("/accounts/profile/", {"full_name": "A", "time_zone": "Mars/Base"}),
        "Select a valid choice",
    )
    fake = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", content_type="image/png")
    _refused(
        client.post(
            "/accounts/profile/", {"full_name": "A", "time_zone": "Europe/Moscow", "avatar": fake}
        ),
        "Upload a JPEG, PNG or WebP image.",
    )
    assert User.objects.values().get(pk=admin.pk) == before


def test_profile_saves_good_input_and_reencodes_the_photo(
    admin_client: tuple[Client, Workspace, User],
) -> None:
    client, _workspace, admin = admin_client
    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1000), "blue").save(buffer, format="JPEG")
    photo = SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post(
        "/accounts/profile/",
        {
            "full_name": "Anna Adminova",
            "phone": "+7 912 345-67-89",
            "position": "Director",
            "locale": "ru",
            "time_zone": "Asia/Yekaterinburg",
            "avatar": photo,
        },
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert (admin.full_name, admin.locale, admin.time_zone) == (
        "Anna Adminova",
        "ru",
        "Asia/Yekaterinburg",
    )
    served = client.get(f"/files/avatars/{admin.pk}/")
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert max(image.size) == 1024


def test_person_add(admin_client: tuple[Client, Workspace, User]) -> None:
    client, _workspace, admin = admin_client
    count = User.objects.count()
    _refused(
        client.post("/people/new/", {"full_name": "X", "email": "not-an-email"}),
        "Enter a valid email address.",
    )
    _refused(
        client.post("/people/new/", {"full_name": "", "email": "x@example.com"}),
        "This field is required.",
    )
    _refused(
        client.post(
            "/people/new/", {"full_name": "X", "email": "x@example.com", "password": "123"}
        ),
        "This password is too short.",
    )
    _refused(
        client.post("/people/new/", {"full_name": "X", "email": admin.email}), "already a member"
    )
    other, _ = make_workspace()
    foreign_role = Role.objects.get(workspace=other)
    _refused(
        client.post(
            "/people/new/", {"full_name": "X", "email": "y@example.com", "roles": [foreign_role.pk]}
        ),
        "Select a valid choice",
    )
    assert User.objects.count() == count + 1  # only the other workspace's admin


def test_person_edit_cannot_lock_yourself_out(admin_client: tuple[Client, Workspace, User]) -> None:
    client, workspace, admin = admin_client
    response = client.post(f"/people/{admin.pk}/edit/", {"is_active": ""})
    _refused(response, "You cannot remove your own access.")
    membership = Membership.objects.get(workspace=workspace, user=admin)
    assert membership.is_active and membership.roles.count() == 1


def test_departments(admin_client: tuple[Client, Workspace, User]) -> None:
    client, workspace, _admin = admin_client
    _refused(client.post("/people/departments/", {"name": "  "}), "This field is required.")
    assert client.post("/people/departments/", {"name": "Sales"}).status_code == 302
    _refused(client.post("/people/departments/", {"name": "SALES"}), "already exists")
    assert Department.objects.filter(workspace=workspace).count() == 1


def test_workspaces(admin_client: tuple[Client, Workspace, User]) -> None:
    client, _workspace, _admin = admin_client
    count = Workspace.objects.count()
    _refused(client.post("/workspaces/", {"name": ""}), "This field is required.")
    _refused(
        client.post("/workspaces/", {"name": "Another", "slug": "ws has spaces"}), "Enter a valid"
    )
    existing = Workspace.objects.first()
    assert existing is not None
    _refused(client.post("/workspaces/", {"name": "Dup", "slug": existing.slug}), "already exists")
    assert Workspace.objects.count() == count


def test_roles(admin_client: tuple[Client, Workspace, User]) -> None:
    client, workspace, _admin = admin_client
    count = Role.objects.filter(workspace=workspace).count()
    _refused(client.post("/roles/new/", {"name": ""}), "This field is required.")
    _refused(client.post("/roles/new/", {"name": "administrator"}), "already exists")
    _refused(
        client.post("/roles/new/", {"name": "X", "codes": ["work.fly_to_moon"]}),
        "Select a valid choice",
    )
    assert Role.objects.filter(workspace=workspace).count() == count
    admin_role = Role.objects.get(workspace=workspace, name="Administrator")
    # Taking the last "manage roles" away would lock everybody out of this page.
    _refused(
        client.post(f"/roles/{admin_role.pk}/", {"name": "Administrator", "codes": []}),
        "keep the right to manage roles",
    )
    assert RolePermission.objects.filter(role=admin_role, code="access.manage_roles").exists()


def test_rules_and_tokens(admin_client: tuple[Client, Workspace, User]) -> None:
    client, _workspace, _admin = admin_client
    _refused(
        client.post("/notifications/rules/new/", {"verb": "accounts.member_changed"}),
        "Choose at least one addressee.",
    )
    _refused(
        client.post("/notifications/rules/new/", {"verb": "nonsense", "participants": "on"}),
        "Select a valid choice",
    )
    assert not NotificationRule.objects.exists()
    response = client.post("/accounts/tokens/", {"name": ""}, follow=True)
    assert "Name the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_password_change_and_language(admin_client: tuple[Client, Workspace, User]) -> None:
    client, _workspace, admin = admin_client
    _refused(
        client.post(
            "/accounts/password/",
            {
                "old_password": "wrong",
                "new_password1": "fresh-pine-88",
                "new_password2": "fresh-pine-88",
            },
        ),
        "Your old password was entered incorrectly.",
    )
    admin.refresh_from_db()
    chosen = admin.locale  # the language they logged in with
    response = client.post("/language/", {"language": "klingon", "next": "/"}, follow=True)
    assert "Unknown language." in response.content.decode()
    admin.refresh_from_db()
    assert admin.locale == chosen
