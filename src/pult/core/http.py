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
