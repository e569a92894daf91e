"""Reads of outlets and specialists: who sees what, and flat query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from pult.access.models import Role
from pult.core.exceptions import NotFound
from pult.desk import services as desk_services
from pult.parties import selectors, services
from pult.parties.models import Brand, Outlet
from pult.work.models import Item, StatusCategory
from tests.factories import make_member, make_workspace
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _more_outlets(desk: Desk, count: int, *, members_each: int = 2) -> None:
    brand = Brand.objects.create(workspace=desk.workspace, name=f"Brand of {count}")
    outlets = Outlet.objects.bulk_create(
        Outlet(workspace=desk.workspace, brand=brand, city=f"City {i % 7}", number=str(i))
        for i in range(count)
    )
    through = Outlet.members.through
    people = [desk.applicant, desk.neighbour, desk.stranger][:members_each]
    through.objects.bulk_create(
        through(outlet_id=o.pk, user_id=p.pk) for o in outlets for p in people
    )


def test_outlets_are_found_by_words_and_filtered(parties_desk: Desk) -> None:
    desk = parties_desk
    Outlet.objects.filter(pk=desk.other_outlet.pk).update(franchisee="IP Petrov")

    def found(**kwargs: Any) -> list[Outlet]:
        return selectors.outlet_page(actor=desk.head, workspace=desk.workspace, **kwargs).rows

    assert found(query="kazan №12") == [desk.outlet]
    assert found(query="petrov") == [desk.other_outlet]
    assert found(query="pizza") == [desk.other_outlet, desk.outlet]  # newest first
    assert found(query="kazan 7") == []
    assert found(city="perm") == [desk.other_outlet]
    assert found(brand_id=desk.outlet.brand_id, city="Kazan") == [desk.outlet]
    assert found(brand_id=10**9) == []
    counts = {o.pk: o.member_count for o in found()}  # type: ignore[attr-defined]
    assert counts == {desk.outlet.pk: 2, desk.other_outlet.pk: 1}


def test_outsiders_see_no_outlets(parties_desk: Desk) -> None:
    desk = parties_desk
    other_workspace, admin = make_workspace()
    assert selectors.outlet_page(actor=desk.applicant, workspace=desk.workspace).rows == []
    assert selectors.brand_list(actor=desk.applicant, workspace=desk.workspace) == []
    assert selectors.specialist_list(actor=desk.applicant, workspace=desk.workspace) == []
    for actor, workspace in ((desk.applicant, desk.workspace), (admin, other_workspace)):
        with pytest.raises(NotFound):
            selectors.outlet_get(actor=actor, workspace=workspace, outlet_id=desk.outlet.pk)
    # A designer reads them.
    outlet = selectors.outlet_get(
        actor=desk.designer, workspace=desk.workspace, outlet_id=desk.outlet.pk
    )
    assert [p.full_name for p in outlet.members.all()] == ["Alla Applicant", "Nina Neighbour"]


def test_an_applicant_has_their_own_outlets(parties_desk: Desk) -> None:
    desk = parties_desk
    assert selectors.outlets_of(desk.applicant, desk.workspace) == [desk.outlet]
    assert selectors.outlets_of(desk.designer, desk.workspace) == []


@pytest.mark.parametrize("rows", [5, 50])
def test_the_outlet_page_costs_one_query(
    parties_desk: Desk, rows: int, django_assert_max_num_queries: Any
) -> None:
    desk = parties_desk
    _more_outlets(desk, rows, members_each=3)
    head = type(desk.head).objects.get(pk=desk.head.pk)
    selectors.outlet_page(actor=head, workspace=desk.workspace)  # warm the permission cache
    with django_assert_max_num_queries(1):
        page = selectors.outlet_page(actor=head, workspace=desk.workspace, page_size=50)
        labels = [(o.brand.name, o.member_count) for o in page.rows]  # type: ignore[attr-defined]
    assert len(labels) == min(rows + 2, 50)
    assert all(count == 3 for name, count in labels if name.startswith("Brand of"))


def test_specialists_with_profile_and_open_load(parties_desk: Desk) -> None:
    desk = parties_desk
    services.specialist_profile_save(
        actor=desk.head,
        workspace=desk.workspace,
        user_id=desk.designer.pk,
        skills="poster, menu",
        capacity=2,
        absent_from=timezone.localdate() - datetime.timedelta(days=1),
    )
    for title in ("One", "Two", "Three"):
        desk.submit(title=title)
    for _ in range(2):
        desk_services.work_item_take_next(
            actor=desk.designer, workspace=desk.workspace, item_type_key="design-request"
        )
    closed = Item.objects.filter(assignees=desk.designer).first()
    assert closed is not None
    Item.objects.filter(pk=closed.pk).update(category=StatusCategory.CLOSED)
    expected_load = (
        Item.objects.filter(assignees=desk.designer).exclude(category=StatusCategory.CLOSED).count()
    )
    rows = {
        s.user.pk: s for s in selectors.specialist_list(actor=desk.head, workspace=desk.workspace)
    }
    # Designers and the head (who may take work too); never applicants.
    assert set(rows) == {desk.designer.pk, desk.designer2.pk, desk.head.pk}
    mine = rows[desk.designer.pk]
    assert (mine.skills, mine.capacity, mine.load) == (["poster", "menu"], 2, expected_load)
    assert mine.is_absent and mine.profile is not None and mine.profile.pk
    other = rows[desk.designer2.pk]
    assert (other.profile, other.skills, other.capacity, other.load) == (None, [], 5, 0)
    assert not other.is_absent


def test_specialists_of_another_workspace_are_not_listed(parties_desk: Desk) -> None:
    workspace, _admin = make_workspace()
    make_member(workspace, ["work.take"])
    names = [
        s.user.full_name
        for s in selectors.specialist_list(
            actor=parties_desk.head, workspace=parties_desk.workspace
        )
    ]
    assert names == ["Dasha Designer", "Dima Designer", "Hanna Head"]


@pytest.mark.parametrize("rows", [5, 50])
def test_the_specialist_list_costs_one_query(
    parties_desk: Desk, rows: int, django_assert_max_num_queries: Any
) -> None:
    desk = parties_desk
    role = Role.objects.get(workspace=desk.workspace, name="Designer")
    for i in range(rows):
        user = make_member(desk.workspace, roles=[role], full_name=f"Designer {i:02}")
        if i % 2:
            services.specialist_profile_save(
                actor=desk.head,
                workspace=desk.workspace,
                user_id=user.pk,
                skills="menu",
                capacity=4,
            )
    head = type(desk.head).objects.get(pk=desk.head.pk)
    selectors.specialist_list(actor=head, workspace=desk.workspace)  # warm the permission cache
    with django_assert_max_num_queries(1):
        found = selectors.specialist_list(actor=head, workspace=desk.workspace)
        shown = [(s.user.full_name, s.skills, s.capacity, s.load, s.is_absent) for s in found]
    assert len(shown) == rows + 3
