"""Reads of brands, outlets and specialists, scoped to what the actor may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import add
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from pult.core.exceptions import NotFound
from pult.core.pagination import KeysetPage, keyset_page
from pult.parties import policies, registry
from pult.parties.models import Brand, Outlet, SpecialistProfile

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pult.accounts.models import User, Workspace

# What automatic assignment assumes for a specialist nobody has described yet.
DEFAULT_CAPACITY = 5


def outlet_label(outlet: Outlet) -> str:
    return f"{outlet.brand.name} · {outlet.city}, №{outlet.number}"


def outlet_choices(*, actor: User, workspace: Workspace) -> list[tuple[int, str]]:
    """The outlets the actor files for (a head may file for any outlet)."""
    outlets = Outlet.objects.filter(workspace=workspace).select_related("brand")
    if not policies.can_file_for_any_outlet(actor, workspace):
        outlets = outlets.filter(members=actor)
    return [
        (o.pk, outlet_label(o)) for o in outlets.order_by("brand__name", "city", "number")[:500]
    ]


def outlet_visible_to(actor: User, workspace: Workspace) -> QuerySet[Outlet]:
    """Every outlet of the workspace for staff who see all work; none for anyone else
    (an applicant reaches their own outlets only through `outlets_of`)."""
    outlets = Outlet.objects.filter(workspace=workspace)
    if not actor.is_authenticated or not policies.can_view_parties(actor, workspace):
        return outlets.none()
    return outlets


def outlet_page(
    *,
    actor: User,
    workspace: Workspace,
    query: str = "",
    brand_id: int | None = None,
    city: str = "",
    cursor: int | None = None,
    page_size: int = 50,
) -> KeysetPage[Outlet]:
    """One page of outlets, newest first, each with `member_count` (bound applicants)
    counted in the same statement."""
    outlets = outlet_visible_to(actor, workspace)
    for word in query.replace("№", " ").split()[:5]:
        # Every word must match somewhere: "Kazan 12" finds Kazan's outlet №12; "казань"
        # finds Казань on SQLite too (`trgm_icontains` folds any language's case).
        outlets = outlets.filter(
            Q(city__trgm_icontains=word)
            | Q(number__iexact=word)
            | Q(franchisee__trgm_icontains=word)
            | Q(brand__name__trgm_icontains=word)
            | Q(name__trgm_icontains=word)
            | Q(address__trgm_icontains=word)
        )
    if brand_id:
        outlets = outlets.filter(brand_id=brand_id)
    if city:
        outlets = outlets.filter(city__iexact=city)
    outlets = outlets.select_related("brand").annotate(member_count=Count("members"))
    return keyset_page(outlets, cursor=cursor, page_size=page_size)


def outlet_get(*, actor: User, workspace: Workspace, outlet_id: int) -> Outlet:
    """An outlet with its brand and bound applicants (by name); NotFound if invisible."""
    from pult.accounts.models import User

    people = User.objects.order_by("full_name", "pk").only(
        "pk", "full_name", "email", "phone", "position", "is_active"
    )
    outlet = (
        outlet_visible_to(actor, workspace)
        .select_related("brand")
        .prefetch_related(Prefetch("members", queryset=people))
        .filter(pk=outlet_id)
        .first()
    )
    if outlet is None:
        raise NotFound("outlet")
    return outlet


def outlets_of(user: User, workspace: Workspace) -> list[Outlet]:
    """The outlets the user is bound to in the workspace (an applicant's own)."""
    return list(
        Outlet.objects.filter(workspace=workspace, members=user)
        .select_related("brand")
        .order_by("brand__name", "city", "number")
    )


def brand_list(*, actor: User, workspace: Workspace) -> list[Brand]:
    """The workspace's brands by name, each with `outlet_count`."""
    if not policies.can_view_parties(actor, workspace):
        return []
    return list(
        Brand.objects.filter(workspace=workspace)
        .annotate(outlet_count=Count("outlets"))
        .order_by("name")[:500]
    )


def city_list(*, actor: User, workspace: Workspace) -> list[str]:
    """The cities that have outlets, for the filter (served by the (workspace, city) index)."""
    return list(
        outlet_visible_to(actor, workspace)
        .order_by("city")
        .values_list("city", flat=True)
        .distinct()[:1000]
    )


# --- Specialists ----------------------------------------------------------------------


def _specialist_users(workspace: Workspace) -> QuerySet[User]:
    """Active members whose roles let them take work (who assignment chooses from; the
    engine registers the permission, `registry.register_specialist_permission`)."""
    from pult.access.models import RolePermission
    from pult.accounts.models import Membership, User

    takers = RolePermission.objects.filter(
        code__in=registry.specialist_permissions(), role__workspace=workspace
    )
    members = Membership.objects.filter(
        workspace=workspace, is_active=True, roles__in=takers.values("role_id")
    ).values("user_id")
    return User.objects.filter(pk__in=members)


def specialist_ids(*, workspace: Workspace, user_ids: Iterable[int]) -> set[int]:
    """Which of these users are specialists of the workspace."""
    return set(
        _specialist_users(workspace).filter(pk__in=list(user_ids)).values_list("pk", flat=True)
    )


@dataclass
class Specialist:
    """A specialist with their profile (None until someone describes them) and load."""

    user: User
    profile: SpecialistProfile | None
    load: int

    @property
    def skills(self) -> list[str]:
        return self.profile.skill_list if self.profile else []

    @property
    def capacity(self) -> int:
        return self.profile.capacity if self.profile else DEFAULT_CAPACITY

    @property
    def absent_from(self) -> datetime.date | None:
        return self.profile.absent_from if self.profile else None

    @property
    def absent_until(self) -> datetime.date | None:
        return self.profile.absent_until if self.profile else None

    @property
    def is_absent(self) -> bool:
        """Away today, the way automatic assignment reads the absence."""
        today = timezone.localdate()
        start, end = self.absent_from, self.absent_until
        return bool(start and start <= today and (end is None or today <= end))

    @property
    def is_full(self) -> bool:
        return self.load >= self.capacity


_PROFILE_FIELDS = ("id", "skills", "capacity", "absent_from", "absent_until")


def _specialists(workspace: Workspace) -> QuerySet[User]:
    """Specialists with their profile's columns and open load, in ONE statement: the
    profile through a LEFT JOIN limited to this workspace, the load as the sum of the
    registered correlated counts (work's: their assigned items that are not closed)."""
    loads = [
        Coalesce(load(workspace), Value(0), output_field=IntegerField())
        for _key, load in sorted(registry.specialist_loads().items())
    ]
    open_load = reduce(add, loads) if loads else Value(0, output_field=IntegerField())
    return _specialist_users(workspace).annotate(
        own_profile=FilteredRelation(
            "specialist_profiles", condition=Q(specialist_profiles__workspace=workspace)
        ),
        open_load=open_load,
        **{f"profile_{name}": F(f"own_profile__{name}") for name in _PROFILE_FIELDS},
    )


def _as_specialist(workspace: Workspace, user: User) -> Specialist:
    profile = None
    if getattr(user, "profile_id", None) is not None:
        profile = SpecialistProfile(
            workspace=workspace,
            user=user,
            **{name: getattr(user, f"profile_{name}") for name in _PROFILE_FIELDS},
        )
        profile._state.adding = False
        profile._state.db = user._state.db
    return Specialist(user=user, profile=profile, load=int(getattr(user, "open_load", 0)))


def specialist_list(*, actor: User, workspace: Workspace) -> list[Specialist]:
    """Everyone who may take work, by name, with skills, capacity, absence and load."""
    if not policies.can_view_parties(actor, workspace):
        return []
    users = _specialists(workspace).order_by("full_name", "pk")[:500]
    return [_as_specialist(workspace, user) for user in users]


def specialist_get(*, actor: User, workspace: Workspace, user_id: int) -> Specialist:
    if not policies.can_view_parties(actor, workspace):
        raise NotFound("specialist")
    user = _specialists(workspace).filter(pk=user_id).first()
    if user is None:
        raise NotFound("specialist")
    return _as_specialist(workspace, user)


def skill_suggestions(*, workspace: Workspace) -> list[tuple[str, str]]:
    """(key, label) of the values automatic assignment matches skills against, from the
    registered sources (work's: the choices of each work type's skill field), by label."""
    found: dict[str, str] = {}
    for _key, source in sorted(registry.skill_sources().items()):
        for value, label in source(workspace):
            found.setdefault(value, label)
    return sorted(found.items(), key=lambda pair: pair[1].lower())
