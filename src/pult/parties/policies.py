"""Who may see and manage brands, outlets, their applicants, the specialists' profiles
and the client base."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.access.policies import has_permission
from pult.parties import registry
from pult.parties.permissions import MANAGE, MANAGE_CLIENTS, VIEW_CLIENTS

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def can_manage_parties(actor: User, workspace: Workspace | None) -> bool:
    return has_permission(actor, workspace, MANAGE)


def can_view_parties(actor: User, workspace: Workspace | None) -> bool:
    """Staff who see all the work (heads, designers) see whom it is done for; applicants
    only ever see their own outlets, through their requests. Which permissions mean "sees
    all the work" the engine registers (`registry.register_parties_viewer`)."""
    return can_manage_parties(actor, workspace) or any(
        has_permission(actor, workspace, code) for code in registry.parties_viewers()
    )


def can_file_for_any_outlet(actor: User, workspace: Workspace | None) -> bool:
    """A head files for any outlet; everyone else only for the outlets they are bound to.
    The engine registers who is a head (`registry.register_any_outlet_filer`)."""
    return any(has_permission(actor, workspace, code) for code in registry.any_outlet_filers())


def can_manage_clients(actor: User, workspace: Workspace | None) -> bool:
    return has_permission(actor, workspace, MANAGE_CLIENTS)


def can_view_clients(actor: User, workspace: Workspace | None) -> bool:
    """The client base is for the managers who hold it; whoever may change it reads it too."""
    return has_permission(actor, workspace, VIEW_CLIENTS) or can_manage_clients(actor, workspace)
