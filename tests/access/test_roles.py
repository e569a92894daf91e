"""Roles as data: the permission matrix decides menus, pages and services."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from pult.access.catalogue import all_codes
from pult.access.models import Role
from pult.access.policies import has_permission
from pult.access.services import role_create, role_update
from pult.core.exceptions import NotFound
from tests.conftest import login
from tests.factories import make_member, make_workspace

pytestmark = pytest.mark.django_db

# Each admin page, the permission that opens it, and its navigation entry.
PAGES = [
    ("/roles/", "access.manage_roles", "roles"),
    ("/people/departments/", "accounts.manage_members", "departments"),
    ("/people/new/", "accounts.manage_members", None),
    ("/people/", "accounts.view_directory", "people"),
    ("/activity/", "activity.view_feed", "activity"),
    ("/notifications/rules/", "notifications.manage_rules", "rules"),
]


@pytest.mark.parametrize(("url", "code", "nav"), PAGES)
def test_a_page_opens_with_its_permission_only(
    url: str, code: str, nav: str | None, client: Client
) -> None:
    workspace, _admin = make_workspace()
    without = make_member(
        workspace,
        sorted(
            all_codes()
            - {code}
            - ({"accounts.manage_members"} if code == "accounts.view_directory" else set())
        ),
    )
    login(client, without)
    assert client.get(url).status_code == 403
    home = client.get("/").content.decode()
    if nav:
        assert f'data-nav="{nav}"' not in home
    client.logout()
    holder = make_member(workspace, [code])
    login(client, holder)
    assert client.get(url).status_code == 200
    if nav:
        assert f'data-nav="{nav}"' in client.get("/").content.decode()


def test_several_roles_add_up(client: Client) -> None:
    workspace, _admin = make_workspace()
    feed = Role.objects.get(
        pk=role_create(
            actor=None, workspace=workspace, name="Feed", codes=["activity.view_feed"]
        ).pk
    )
    people = role_create(
        actor=None, workspace=workspace, name="People", codes=["accounts.view_directory"]
    )
    member = make_member(workspace, roles=[feed, people])
    assert has_permission(member, workspace, "activity.view_feed")
    assert has_permission(member, workspace, "accounts.view_directory")
    assert not has_permission(member, workspace, "access.manage_roles")


def test_the_matrix_page_saves_ticks(client: Client) -> None:
    workspace, admin = make_workspace()
    viewer = role_create(actor=None, workspace=workspace, name="Viewer", codes=[])
    admin_role = Role.objects.get(workspace=workspace, name="Administrator")
    login(client, admin)
    page = client.get("/roles/").content.decode()
    assert len(re.findall(rf'name="role-{viewer.pk}"', page)) == len(all_codes())
    data = {
        f"role-{admin_role.pk}": sorted(all_codes()),
        f"role-{viewer.pk}": ["activity.view_feed"],
    }
    assert client.post("/roles/", data).status_code == 302
    assert list(viewer.grants.values_list("code", flat=True)) == ["activity.view_feed"]
    assert admin_role.grants.count() == len(all_codes())


def test_role_of_another_workspace_cannot_be_changed() -> None:
    north, north_admin = make_workspace()
    south, _ = make_workspace()
    south_role = Role.objects.get(workspace=south)
    with pytest.raises(NotFound):
        role_update(actor=north_admin, workspace=north, role_id=south_role.pk, name="x", codes=[])
    with pytest.raises(NotFound):
        role_update(actor=north_admin, workspace=south, role_id=south_role.pk, name="x", codes=[])
    assert Role.objects.get(pk=south_role.pk).name == "Administrator"


def test_deleting_a_role_takes_its_permissions_away(client: Client) -> None:
    workspace, admin = make_workspace()
    feed = role_create(actor=None, workspace=workspace, name="Feed", codes=["activity.view_feed"])
    member = make_member(workspace, roles=[feed])
    login(client, member)
    assert client.get("/activity/").status_code == 200
    client.logout()
    login(client, admin)
    assert client.post(f"/roles/{feed.pk}/delete/").status_code == 302
    client.logout()
    login(client, member)
    assert client.get("/activity/").status_code == 403
    # The deletion is in the feed for role managers, though its target is gone.
    client.logout()
    login(client, admin)
    assert "deleted the role Feed" in client.get("/activity/").content.decode()
