"""Reading people: members are visible within their workspace only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Q, QuerySet

from pult.accounts import policies
from pult.accounts.models import Department, Membership, User, Workspace
from pult.core.exceptions import NotFound
from pult.core.pagination import KeysetPage, keyset_page


class Person(NamedTuple):
    """A person as a select offers them."""

    pk: int
    full_name: str


def people_for_choice(rows: Iterable[tuple[int, str, str]]) -> list[Person]:
    """(id, full name, e-mail) rows as a select shows them: a name that two of them
    share carries each one's e-mail, so choosing between namesakes (or someone who took
    a colleague's name) is never a guess."""
    rows = list(rows)
    shared = Counter(name.casefold() for _pk, name, _email in rows)
    return [
        Person(pk, f"{name} ({email})" if shared[name.casefold()] > 1 else name)
        for pk, name, email in rows
    ]


def membership_visible_to(actor: User, workspace: Workspace) -> QuerySet[Membership]:
    """The workspace's members the actor may see: all with the directory, else only self."""
    members = Membership.objects.filter(workspace=workspace)
    if not actor.is_authenticated:
        return members.none()
    if policies.can_view_directory(actor, workspace):
        return members
    return members.filter(user=actor)


def memberships_of(user: User) -> list[Membership]:
    """The user's active workspaces, for the switcher."""
    return list(
        Membership.objects.filter(user=user, is_active=True, workspace__isnull=False)
        .select_related("workspace")
        .order_by("workspace__name")
    )


def member_page(
    *,
    actor: User,
    workspace: Workspace,
    query: str = "",
    cursor: int | None = None,
    page_size: int = 50,
) -> KeysetPage[Membership]:
    members = membership_visible_to(actor, workspace).select_related("user", "department")
    if query:
        members = members.filter(_member_match(query))
    page = keyset_page(members.prefetch_related("roles"), cursor=cursor, page_size=page_size)
    return page


def _member_match(query: str) -> Q:
    """Name, e-mail, phone or position containing the query, in any case and language
    (`trgm_icontains`: ILIKE on PostgreSQL, casefolded on SQLite)."""
    return (
        Q(user__full_name__trgm_icontains=query)
        | Q(user__email__trgm_icontains=query)
        | Q(user__phone__trgm_icontains=query)
        | Q(user__position__trgm_icontains=query)
    )


def member_search(
    *, actor: User, workspace: Workspace, query: str, limit: int = 20
) -> list[Membership]:
    """Members matching the query, by name, for the global search: only for those who
    may see the directory (anyone else would find no one but themselves)."""
    query = " ".join(query.split())[:100]
    if not query or not policies.can_view_directory(actor, workspace):
        return []
    return list(
        membership_visible_to(actor, workspace)
        .filter(_member_match(query))
        .select_related("user", "department")
        .order_by("user__full_name", "pk")[:limit]
    )


def member_get(*, actor: User, workspace: Workspace, user_id: int) -> Membership:
    membership = (
        membership_visible_to(actor, workspace)
        .select_related("user", "department", "workspace")
        .prefetch_related("roles")
        .filter(user_id=user_id)
        .first()
    )
    if membership is None:
        raise NotFound("member")
    return membership


def user_visible_to(actor: User, workspace: Workspace) -> QuerySet[User]:
    return User.objects.filter(pk__in=membership_visible_to(actor, workspace).values("user_id"))


def department_list(*, workspace: Workspace) -> list[Department]:
    return list(Department.objects.filter(workspace=workspace).order_by("name"))


def workspace_list(*, actor: User) -> QuerySet[Workspace]:
    """All workspaces for the installation admin; one's own for everyone else."""
    if policies.can_create_workspace(actor):
        return Workspace.objects.all()
    return Workspace.objects.filter(memberships__user=actor, memberships__is_active=True)
