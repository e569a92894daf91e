"""Event kinds of this app and who sees them in the feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pult.activity.registry import Verb, register_verbs, register_visibility
from pult.parties.models import Brand, Client, Outlet, SpecialistProfile
from pult.parties.permissions import MANAGE
from pult.parties.policies import can_view_clients, can_view_parties

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

register_verbs(
    Verb("parties.brand_created", _("%(actor)s created the brand %(target)s"), _("Brand created")),
    Verb(
        "parties.brand_renamed",
        _("%(actor)s renamed the brand %(before)s to %(target)s"),
        _("Brand renamed"),
    ),
    Verb("parties.outlet_created", _("%(actor)s added the outlet %(target)s"), _("Outlet added")),
    Verb(
        "parties.outlet_changed", _("%(actor)s changed the outlet %(target)s"), _("Outlet changed")
    ),
    Verb(
        "parties.member_bound",
        _("%(actor)s bound %(member)s to the outlet %(target)s"),
        _("Applicant bound to an outlet"),
    ),
    Verb(
        "parties.member_unbound",
        _("%(actor)s unbound %(member)s from the outlet %(target)s"),
        _("Applicant unbound from an outlet"),
    ),
    Verb(
        "parties.specialist_changed",
        _("%(actor)s changed the skills, capacity or absence of %(member)s"),
        _("Specialist profile changed"),
        requires=MANAGE,
    ),
    # The client base (P2). Contact and contract events are recorded on their client, so
    # the client's card shows its whole history and one visibility rule covers them.
    Verb("parties.client_created", _("%(actor)s added the client %(target)s"), _("Client added")),
    Verb(
        "parties.client_changed", _("%(actor)s changed the client %(target)s"), _("Client changed")
    ),
    Verb(
        "parties.client_archived",
        _("%(actor)s archived the client %(target)s"),
        _("Client archived"),
    ),
    Verb(
        "parties.client_restored",
        _("%(actor)s restored the client %(target)s from the archive"),
        _("Client restored"),
    ),
    Verb(
        "parties.client_status_changed",
        _("%(actor)s set the status of the client %(target)s to %(status)s"),
        _("Client status changed"),
    ),
    Verb(
        "parties.contact_added",
        _("%(actor)s added the contact %(contact)s to the client %(target)s"),
        _("Contact person added"),
    ),
    Verb(
        "parties.contact_changed",
        _("%(actor)s changed the contact %(contact)s of the client %(target)s"),
        _("Contact person changed"),
    ),
    Verb(
        "parties.contact_removed",
        _("%(actor)s removed the contact %(contact)s from the client %(target)s"),
        _("Contact person removed"),
    ),
    Verb(
        "parties.contract_created",
        _("%(actor)s added the contract %(number)s of the client %(target)s"),
        _("Contract added"),
    ),
    Verb(
        "parties.contract_changed",
        _("%(actor)s changed the contract %(number)s of the client %(target)s"),
        _("Contract changed"),
    ),
)


def _brands(actor: User, workspace: Workspace) -> QuerySet[Brand] | None:
    return Brand.objects.filter(workspace=workspace) if can_view_parties(actor, workspace) else None


def _outlets(actor: User, workspace: Workspace) -> QuerySet[Outlet] | None:
    return (
        Outlet.objects.filter(workspace=workspace) if can_view_parties(actor, workspace) else None
    )


def _profiles(actor: User, workspace: Workspace) -> QuerySet[SpecialistProfile] | None:
    if not can_view_parties(actor, workspace):
        return None
    return SpecialistProfile.objects.filter(workspace=workspace)


register_visibility(Brand, _brands)
register_visibility(Outlet, _outlets)
register_visibility(SpecialistProfile, _profiles)


def _clients(actor: User, workspace: Workspace) -> QuerySet[Client] | None:
    return (
        Client.objects.filter(workspace=workspace) if can_view_clients(actor, workspace) else None
    )


register_visibility(Client, _clients)
