"""Writes of brands, outlets, bindings and specialist profiles: checked, all or nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pult.access.models import Role
from pult.accounts.services import member_update
from pult.activity.models import Event
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.parties import services
from pult.parties.models import Brand, Outlet, SpecialistProfile
from pult.work.values import requester_contact_gaps
from tests.factories import make_member, make_workspace
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _outlet_input(desk: Desk, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "brand_id": desk.outlet.brand_id,
        "city": "Omsk",
        "number": "31",
        "name": "Centre",
        "address": "Lenina 1",
        "franchisee": "OOO Omsk Food",
    }
    return values | changes


def _outlet_gap(user: Any, desk: Desk) -> bool:
    return any("outlet" in str(gap) for gap in requester_contact_gaps(user, desk.workspace))


# --- Brands ---------------------------------------------------------------------------


def test_a_brand_is_created_and_renamed_with_events(parties_desk: Desk) -> None:
    desk = parties_desk
    brand = services.brand_create(actor=desk.head, workspace=desk.workspace, name="  Sushi  Go ")
    assert brand.name == "Sushi Go"
    services.brand_rename(
        actor=desk.head, workspace=desk.workspace, brand_id=brand.pk, name="Sushi Go!"
    )
    brand.refresh_from_db()
    assert brand.name == "Sushi Go!"
    verbs = list(
        Event.objects.filter(workspace=desk.workspace, verb__startswith="parties.brand")
        .order_by("pk")
        .values_list("verb", "payload")
    )
    assert verbs == [
        ("parties.brand_created", {}),
        ("parties.brand_renamed", {"before": "Sushi Go"}),
    ]


@pytest.mark.parametrize("name", ["", "   ", "pizza bella", "x" * 201])
def test_a_bad_brand_name_is_refused_and_nothing_saved(parties_desk: Desk, name: str) -> None:
    desk = parties_desk
    with pytest.raises(DomainError) as refused:
        services.brand_create(actor=desk.head, workspace=desk.workspace, name=name)
    assert "name" in refused.value.field_errors
    assert Brand.objects.filter(workspace=desk.workspace).count() == 1


def test_a_rename_onto_another_brand_is_refused(parties_desk: Desk) -> None:
    desk = parties_desk
    other = services.brand_create(actor=desk.head, workspace=desk.workspace, name="Sushi Go")
    with pytest.raises(DomainError) as refused:
        services.brand_rename(
            actor=desk.head, workspace=desk.workspace, brand_id=other.pk, name="PIZZA BELLA"
        )
    assert refused.value.field_errors["name"]
    other.refresh_from_db()
    assert other.name == "Sushi Go"


def test_a_brand_of_another_workspace_is_not_found(parties_desk: Desk) -> None:
    workspace, admin = make_workspace()
    foreign = services.brand_create(actor=admin, workspace=workspace, name="Foreign")
    with pytest.raises(NotFound):
        services.brand_rename(
            actor=parties_desk.head,
            workspace=parties_desk.workspace,
            brand_id=foreign.pk,
            name="Mine now",
        )
    foreign.refresh_from_db()
    assert foreign.name == "Foreign"


def test_only_managers_write(parties_desk: Desk) -> None:
    desk = parties_desk
    with pytest.raises(NotFound):  # an applicant does not learn the page exists
        services.brand_create(actor=desk.applicant, workspace=desk.workspace, name="X")
    with pytest.raises(Forbidden):  # a designer reads but may not change
        services.outlet_create(actor=desk.designer, workspace=desk.workspace, **_outlet_input(desk))
    with pytest.raises(NotFound):
        services.outlet_member_add(
            actor=desk.applicant,
            workspace=desk.workspace,
            outlet_id=desk.outlet.pk,
            email=desk.stranger.email,
        )
    assert not Brand.objects.filter(name="X").exists()
    assert not Outlet.objects.filter(city="Omsk").exists()
    assert not desk.outlet.members.filter(pk=desk.stranger.pk).exists()


# --- Outlets --------------------------------------------------------------------------


def test_an_outlet_is_created_and_updated(parties_desk: Desk) -> None:
    desk = parties_desk
    outlet = services.outlet_create(
        actor=desk.head, workspace=desk.workspace, **_outlet_input(desk, city=" Omsk ")
    )
    assert (outlet.city, outlet.number, outlet.franchisee) == ("Omsk", "31", "OOO Omsk Food")
    services.outlet_update(
        actor=desk.head,
        workspace=desk.workspace,
        outlet_id=outlet.pk,
        **_outlet_input(desk, number="32", franchisee="IP Ivanov"),
    )
    outlet.refresh_from_db()
    assert (outlet.number, outlet.franchisee) == ("32", "IP Ivanov")
    changed = Event.objects.get(verb="parties.outlet_changed")
    assert changed.payload == {"fields": ["number", "franchisee"]}
    assert Event.objects.filter(verb="parties.outlet_created", target_id=outlet.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"brand_id": None}, "brand"),
        ({"brand_id": 10**9}, "brand"),
        ({"city": "  "}, "city"),
        ({"number": ""}, "number"),
        ({"number": "1" * 31}, "number"),
        ({"address": "a" * 301}, "address"),
        ({"number": "12"}, "number"),  # Kazan №12 of the same brand exists
    ],
)
def test_bad_outlet_input_is_refused_and_nothing_saved(
    parties_desk: Desk, changes: dict[str, Any], field: str
) -> None:
    desk = parties_desk
    with pytest.raises(DomainError) as refused:
        services.outlet_create(
            actor=desk.head, workspace=desk.workspace, **_outlet_input(desk, **changes)
        )
    assert field in refused.value.field_errors
    assert Outlet.objects.filter(workspace=desk.workspace).count() == 2
    assert not Event.objects.filter(verb__startswith="parties.").exists()


def test_a_brand_of_another_workspace_cannot_own_an_outlet(parties_desk: Desk) -> None:
    workspace, admin = make_workspace()
    foreign = services.brand_create(actor=admin, workspace=workspace, name="Foreign")
    with pytest.raises(DomainError) as refused:
        services.outlet_create(
            actor=parties_desk.head,
            workspace=parties_desk.workspace,
            **_outlet_input(parties_desk, brand_id=foreign.pk),
        )
    assert "brand" in refused.value.field_errors


def test_numbers_are_unique_per_brand_only(parties_desk: Desk) -> None:
    desk = parties_desk
    other = services.brand_create(actor=desk.head, workspace=desk.workspace, name="Sushi Go")
    twin = services.outlet_create(
        actor=desk.head,
        workspace=desk.workspace,
        **_outlet_input(desk, brand_id=other.pk, number="12"),
    )
    assert twin.number == "12"
    with pytest.raises(DomainError) as refused:
        services.outlet_update(
            actor=desk.head,
            workspace=desk.workspace,
            outlet_id=desk.other_outlet.pk,
            **_outlet_input(desk, city="Perm", number="12"),
        )
    assert refused.value.field_errors["number"]
    desk.other_outlet.refresh_from_db()
    assert (desk.other_outlet.city, desk.other_outlet.number) == ("Perm", "7")


# --- Binding applicants ---------------------------------------------------------------


def _unbound_applicant(desk: Desk) -> Any:
    role = Role.objects.get(workspace=desk.workspace, name="Applicant")
    return make_member(desk.workspace, roles=[role], email="new.applicant@example.com")


def test_binding_an_applicant_lets_them_file(parties_desk: Desk) -> None:
    desk = parties_desk
    newcomer = _unbound_applicant(desk)
    assert _outlet_gap(newcomer, desk)
    bound = services.outlet_member_add(
        actor=desk.head,
        workspace=desk.workspace,
        outlet_id=desk.other_outlet.pk,
        email=" New.Applicant@Example.com ",
    )
    assert bound == newcomer
    assert requester_contact_gaps(newcomer, desk.workspace) == []
    event = Event.objects.get(verb="parties.member_bound")
    assert event.payload["member_id"] == newcomer.pk and event.target_id == desk.other_outlet.pk
    services.outlet_member_remove(
        actor=desk.head,
        workspace=desk.workspace,
        outlet_id=desk.other_outlet.pk,
        user_id=newcomer.pk,
    )
    assert _outlet_gap(newcomer, desk)
    assert Event.objects.filter(verb="parties.member_unbound").count() == 1


def test_binding_by_user_id(parties_desk: Desk) -> None:
    desk = parties_desk
    services.outlet_member_add(
        actor=desk.head,
        workspace=desk.workspace,
        outlet_id=desk.other_outlet.pk,
        user_id=desk.applicant.pk,
    )
    assert set(desk.applicant.outlets.all()) == {desk.outlet, desk.other_outlet}


def test_only_active_members_of_the_workspace_are_bound(parties_desk: Desk) -> None:
    desk = parties_desk
    other_workspace, _admin = make_workspace()
    outsider = make_member(other_workspace, [], email="outsider@example.com")
    leaver = _unbound_applicant(desk)
    member_update(
        actor=desk.head,
        workspace=desk.workspace,
        user_id=leaver.pk,
        roles=[],
        department=None,
        is_active=False,
    )
    for email in ("outsider@example.com", leaver.email, "nobody@example.com", ""):
        with pytest.raises(DomainError) as refused:
            services.outlet_member_add(
                actor=desk.head, workspace=desk.workspace, outlet_id=desk.outlet.pk, email=email
            )
        assert refused.value.field_errors["email"]
    with pytest.raises(DomainError):  # already bound
        services.outlet_member_add(
            actor=desk.head,
            workspace=desk.workspace,
            outlet_id=desk.outlet.pk,
            email=desk.applicant.email,
        )
    assert set(desk.outlet.members.all()) == {desk.applicant, desk.neighbour}
    assert not outsider.outlets.exists()
    assert not Event.objects.filter(verb="parties.member_bound").exists()


def test_unbinding_someone_not_bound_is_not_found(parties_desk: Desk) -> None:
    desk = parties_desk
    with pytest.raises(NotFound):
        services.outlet_member_remove(
            actor=desk.head,
            workspace=desk.workspace,
            outlet_id=desk.outlet.pk,
            user_id=desk.stranger.pk,
        )
    assert desk.other_outlet.members.filter(pk=desk.stranger.pk).exists()


def test_an_outlet_of_another_workspace_is_not_found(parties_desk: Desk) -> None:
    workspace, admin = make_workspace()
    with pytest.raises(NotFound):
        services.outlet_member_add(
            actor=admin, workspace=workspace, outlet_id=parties_desk.outlet.pk, user_id=admin.pk
        )
    with pytest.raises(NotFound):
        services.outlet_update(
            actor=admin,
            workspace=workspace,
            outlet_id=parties_desk.outlet.pk,
            **_outlet_input(parties_desk),
        )
    assert not parties_desk.outlet.members.filter(pk=admin.pk).exists()


# --- Specialists ----------------------------------------------------------------------


def test_a_profile_is_saved_with_normalised_skills(parties_desk: Desk) -> None:
    desk = parties_desk
    profile = services.specialist_profile_save(
        actor=desk.head,
        workspace=desk.workspace,
        user_id=desk.designer.pk,
        skills="Poster, MENU ,poster;  Web  Banner,,",
        capacity=3,
        absent_from=datetime.date(2026, 7, 1),
        absent_until=datetime.date(2026, 7, 14),
    )
    assert profile.skills == "poster,menu,web banner"
    assert profile.skill_list == ["poster", "menu", "web banner"]
    again = services.specialist_profile_save(
        actor=desk.head,
        workspace=desk.workspace,
        user_id=desk.designer.pk,
        skills=["Resize"],
        capacity=50,
    )
    assert again.pk == profile.pk
    assert (again.skills, again.capacity, again.absent_from) == ("resize", 50, None)
    assert Event.objects.filter(verb="parties.specialist_changed").count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": 51}, "capacity"),
        ({"capacity": -3}, "capacity"),
        (
            {"absent_from": datetime.date(2026, 7, 2), "absent_until": datetime.date(2026, 7, 1)},
            "absent_until",
        ),
        ({"absent_until": datetime.date(2026, 7, 1)}, "absent_from"),
        ({"skills": "x" * 61}, "skills"),
        ({"skills": ",".join(f"skill{i:03}" for i in range(80))}, "skills"),
    ],
)
def test_a_bad_profile_is_refused_and_nothing_saved(
    parties_desk: Desk, changes: dict[str, Any], field: str
) -> None:
    desk = parties_desk
    values: dict[str, Any] = {"skills": "poster", "capacity": 5} | changes
    with pytest.raises(DomainError) as refused:
        services.specialist_profile_save(
            actor=desk.head, workspace=desk.workspace, user_id=desk.designer.pk, **values
        )
    assert field in refused.value.field_errors
    assert not SpecialistProfile.objects.filter(user=desk.designer).exists()


def test_only_specialists_of_the_workspace_get_a_profile(parties_desk: Desk) -> None:
    desk = parties_desk
    _other_workspace, admin = make_workspace()
    for user_id in (desk.applicant.pk, admin.pk, 10**9):
        with pytest.raises(NotFound):
            services.specialist_profile_save(
                actor=desk.head, workspace=desk.workspace, user_id=user_id, skills="", capacity=5
            )
    with pytest.raises(Forbidden):
        services.specialist_profile_save(
            actor=desk.designer,
            workspace=desk.workspace,
            user_id=desk.designer.pk,
            skills="",
            capacity=50,
        )
    assert not SpecialistProfile.objects.exists()
