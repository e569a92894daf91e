"""Parties pages as the marketing head uses them, and the doors closed to everyone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pult.access.models import Role
from pult.parties.models import Brand, Outlet, SpecialistProfile
from pult.work.values import requester_contact_gaps
from tests.conftest import login
from tests.factories import make_member, make_workspace
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _as(client: Client, user: Any) -> Client:
    client.logout()
    login(client, user)
    return client


def _pages(desk: Desk) -> list[tuple[str, str]]:
    """(method, url) of every parties page, about this desk's records."""
    outlet, brand = desk.outlet, desk.outlet.brand
    return [
        ("get", reverse("parties:outlet_list")),
        ("get", reverse("parties:outlet_new")),
        ("post", reverse("parties:outlet_new")),
        ("get", reverse("parties:outlet_detail", args=[outlet.pk])),
        ("post", reverse("parties:outlet_detail", args=[outlet.pk])),
        ("post", reverse("parties:outlet_member_add", args=[outlet.pk])),
        ("post", reverse("parties:outlet_member_remove", args=[outlet.pk, desk.applicant.pk])),
        ("get", reverse("parties:brand_list")),
        ("post", reverse("parties:brand_list")),
        ("post", reverse("parties:brand_rename", args=[brand.pk])),
        ("get", reverse("parties:specialist_list")),
        ("get", reverse("parties:specialist_detail", args=[desk.designer.pk])),
        ("post", reverse("parties:specialist_detail", args=[desk.designer.pk])),
    ]


def test_an_applicant_gets_404_on_every_page(client: Client, parties_desk: Desk) -> None:
    desk = parties_desk
    _as(client, desk.applicant)
    for method, url in _pages(desk):
        data = {"email": desk.stranger.email, "name": "Hacked", "city": "X", "number": "1"}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert not desk.outlet.members.filter(pk=desk.stranger.pk).exists()
    assert desk.outlet.members.filter(pk=desk.applicant.pk).exists()
    assert not Brand.objects.filter(name="Hacked").exists()


def test_a_member_of_another_workspace_gets_404(client: Client, parties_desk: Desk) -> None:
    desk = parties_desk
    _workspace, admin = make_workspace()  # holds every permission, parties.manage too
    _as(client, admin)
    for method, url in _pages(desk):
        if not any(ch.isdigit() for ch in url):
            continue  # the list pages show the admin's own workspace
        data = {"email": admin.email, "name": "Hacked", "capacity": "5"}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert not desk.outlet.members.filter(pk=admin.pk).exists()
    assert not Brand.objects.filter(name="Hacked").exists()
    assert not SpecialistProfile.objects.exists()


def test_a_designer_reads_but_does_not_write(client: Client, parties_desk: Desk) -> None:
    desk = parties_desk
    _as(client, desk.designer)
    page = client.get(reverse("parties:outlet_list")).content.decode()
    assert "Kazan" in page and reverse("parties:outlet_new") not in page
    detail = client.get(reverse("parties:outlet_detail", args=[desk.outlet.pk])).content.decode()
    assert desk.applicant.email in detail and "Unbind" not in detail
    response = client.post(
        reverse("parties:outlet_member_add", args=[desk.outlet.pk]), {"email": desk.stranger.email}
    )
    assert response.status_code == 403
    assert client.get(reverse("parties:outlet_new")).status_code == 403
    assert not desk.outlet.members.filter(pk=desk.stranger.pk).exists()


def test_the_head_adds_an_outlet_and_a_bad_form_saves_nothing(
    client: Client, parties_desk: Desk
) -> None:
    desk = parties_desk
    _as(client, desk.head)
    form = {"brand": desk.outlet.brand_id, "city": "Omsk", "number": "12", "franchisee": "IP"}
    refused = client.post(reverse("parties:outlet_new"), form | {"city": "Kazan"})
    assert refused.status_code == 400
    assert "This brand already has an outlet with this number." in refused.content.decode()
    assert Outlet.objects.filter(workspace=desk.workspace).count() == 2
    response = client.post(reverse("parties:outlet_new"), form | {"number": "31"})
    outlet = Outlet.objects.get(workspace=desk.workspace, number="31")
    assert response.status_code == 302
    assert response["Location"] == reverse("parties:outlet_detail", args=[outlet.pk])
    edit = client.post(
        reverse("parties:outlet_detail", args=[outlet.pk]),
        form | {"number": "31", "city": "", "franchisee": "OOO New"},
    )
    assert edit.status_code == 400
    outlet.refresh_from_db()
    assert (outlet.city, outlet.franchisee) == ("Omsk", "IP")
    client.post(
        reverse("parties:outlet_detail", args=[outlet.pk]),
        form | {"number": "31", "franchisee": "OOO New"},
    )
    outlet.refresh_from_db()
    assert outlet.franchisee == "OOO New"


def test_the_head_binds_and_unbinds_an_applicant(client: Client, parties_desk: Desk) -> None:
    desk = parties_desk
    role = Role.objects.get(workspace=desk.workspace, name="Applicant")
    newcomer = make_member(desk.workspace, roles=[role], full_name="Olga Newcomer")
    item = desk.submit(title="Autumn menu")
    _as(client, desk.head)
    url = reverse("parties:outlet_detail", args=[desk.outlet.pk])
    page = client.get(url).content.decode()
    assert f'href="tel:{desk.applicant.phone}"' in page
    assert f'href="mailto:{desk.applicant.email}"' in page
    assert item.reference in page and "Autumn menu" in page
    wrong = client.post(
        reverse("parties:outlet_member_add", args=[desk.outlet.pk]), {"email": "nobody@example.com"}
    )
    assert wrong.status_code == 400
    assert "No active member of this workspace has this e-mail." in wrong.content.decode()
    response = client.post(
        reverse("parties:outlet_member_add", args=[desk.outlet.pk]), {"email": newcomer.email}
    )
    assert response.status_code == 302 and response["Location"] == url
    assert requester_contact_gaps(newcomer, desk.workspace) == []
    assert "Olga Newcomer" in client.get(url).content.decode()
    client.post(reverse("parties:outlet_member_remove", args=[desk.outlet.pk, newcomer.pk]))
    assert not desk.outlet.members.filter(pk=newcomer.pk).exists()
    gone = client.post(reverse("parties:outlet_member_remove", args=[desk.outlet.pk, newcomer.pk]))
    assert gone.status_code == 404


def test_the_head_creates_and_renames_brands(client: Client, parties_desk: Desk) -> None:
    desk = parties_desk
    _as(client, desk.head)
    assert client.post(reverse("parties:brand_list"), {"name": "pizza bella"}).status_code == 400
    assert client.post(reverse("parties:brand_list"), {"name": "Sushi Go"}).status_code == 302
    brand = Brand.objects.get(workspace=desk.workspace, name="Sushi Go")
    refused = client.post(reverse("parties:brand_rename", args=[brand.pk]), {"name": "Pizza Bella"})
    assert refused.status_code == 400
    assert "A brand with this name already exists." in refused.content.decode()
    client.post(reverse("parties:brand_rename", args=[brand.pk]), {"name": "Sushi Go!"})
    brand.refresh_from_db()
    assert brand.name == "Sushi Go!"
    page = client.get(reverse("parties:brand_list")).content.decode()
    assert "Sushi Go!" in page and "Pizza Bella" in page


def test_the_head_edits_a_designer(client: Client, parties_desk: Desk) -> None:
    desk = parties_desk
    _as(client, desk.head)
    url = reverse("parties:specialist_detail", args=[desk.designer.pk])
    bad = client.post(url, {"skills": "poster", "capacity": "0"})
    assert bad.status_code == 400
    assert not SpecialistProfile.objects.exists()
    backwards = {"capacity": "3", "absent_from": "2026-07-10", "absent_until": "2026-07-01"}
    assert client.post(url, backwards).status_code == 400
    assert not SpecialistProfile.objects.exists()
    response = client.post(url, {"skills": "Poster, Menu", "capacity": "3"})
    assert response.status_code == 302
    profile = SpecialistProfile.objects.get(workspace=desk.workspace, user=desk.designer)
    assert (profile.skills, profile.capacity) == ("poster,menu", 3)
    page = client.get(reverse("parties:specialist_list")).content.decode()
    assert "Dima Designer" in page and "menu" in page
    assert (
        client.get(reverse("parties:specialist_detail", args=[desk.applicant.pk])).status_code
        == 404
    )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow_outlets(desk: Desk, count: int) -> None:
    brand = Brand.objects.create(workspace=desk.workspace, name=f"Brand {count}")
    outlets = Outlet.objects.bulk_create(
        Outlet(workspace=desk.workspace, brand=brand, city=f"City {i}", number=str(i))
        for i in range(count)
    )
    through = Outlet.members.through
    through.objects.bulk_create(
        through(outlet_id=o.pk, user_id=u.pk)
        for o in outlets
        for u in (desk.applicant, desk.stranger)
    )


def _grow_designers(desk: Desk, count: int) -> None:
    role = Role.objects.get(workspace=desk.workspace, name="Designer")
    for i in range(count):
        user = make_member(desk.workspace, roles=[role], full_name=f"Extra {count}-{i}")
        SpecialistProfile.objects.create(workspace=desk.workspace, user=user, skills="menu")


@pytest.mark.parametrize(
    ("url_name", "grow"),
    [("parties:outlet_list", _grow_outlets), ("parties:specialist_list", _grow_designers)],
)
def test_page_queries_do_not_grow_with_rows(
    client: Client, parties_desk: Desk, django_assert_max_num_queries: Any, url_name: str, grow: Any
) -> None:
    desk = parties_desk
    url = reverse(url_name)
    _as(client, desk.head)
    grow(desk, 5)
    _queries(client, url)  # warm the per-process caches (content types, sessions)
    small = _queries(client, url)
    grow(desk, 50)
    with django_assert_max_num_queries(small):
        page = client.get(url)
    assert page.status_code == 200
    assert small <= 15, small
