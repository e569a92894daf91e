"""Who may see and manage brands, outlets, their applicants, the specialists' profiles
and the client base."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.access.policies import has_permission
from pult.parties.permissions import MANAGE, MANAGE_CLIENTS, VIEW_CLIENTS
from pult.work.permissions import MANAGE as WORK_MANAGE
from pult.work.permissions import VIEW_ALL as WORK_VIEW_ALL

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def can_manage_parties(actor: User, workspace: Workspace | None) -> bool:
    return has_permission(actor, workspace, MANAGE)


def can_view_parties(actor: User, workspace: Workspace | None) -> bool:
    """Staff who see all the work (heads, designers) see whom it is done for; applicants
    only ever see their own outlets, through their requests."""
    return (
        can_manage_parties(actor, workspace)
        or has_permission(actor, workspace, WORK_VIEW_ALL)
        or has_permission(actor, workspace, WORK_MANAGE)
    )


def can_manage_clients(actor: User, workspace: Workspace | None) -> bool:
    return has_permission(actor, workspace, MANAGE_CLIENTS)


def can_view_clients(actor: User, workspace: Workspace | None) -> bool:
    """The client base is for the managers who hold it; whoever may change it reads it too."""
    return has_permission(actor, workspace, VIEW_CLIENTS) or can_manage_clients(actor, workspace)
