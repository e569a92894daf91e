"""The request as Pult's views see it, for type checking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from pult.accounts.models import Membership, User, Workspace


class WorkspaceRequest(HttpRequest):
    """A request behind `workspace_required`: a logged-in member of `workspace`.

    The middleware sets these attributes; the decorator guarantees they are not None.
    """

    user: User
    workspace: Workspace
    membership: Membership
    memberships: list[Membership]
    htmx: HtmxDetails


def actor_of(request: HttpRequest) -> User:
    """The signed-in person a view acts for: the one helper every view and API route
    uses (after `login_required`, `workspace_required` or the API's authentication)."""
    from pult.accounts.models import User

    user = request.user
    assert isinstance(user, User), "a view for signed-in people only"
    return user


def actor_and_workspace(request: HttpRequest) -> tuple[User, Workspace]:
    """The person and the workspace an API call or a workspace page acts in."""
    return actor_of(request), request.workspace  # type: ignore[attr-defined]
