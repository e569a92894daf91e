"""Reads of the client base (P2), scoped to what the actor may see.

Split from selectors.py (brands, outlets, specialists) to keep each module readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from pult.core.exceptions import NotFound
from pult.core.pagination import KeysetPage, keyset_page
from pult.parties import policies
from pult.parties.models import Client, ContactPerson, Contract

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

# Word similarity at which a misspelled name still matches ("Рогаа и Копыта" finds
# "Рога и копыта" at 0.81); lower lets unrelated short names in.
NAME_SIMILARITY = 0.3


def client_visible_to(actor: User, workspace: Workspace) -> QuerySet[Client]:
    """Every client of the workspace for holders of view_clients (or manage_clients);
    none for anyone else."""
    clients = Client.objects.filter(workspace=workspace)
    if not actor.is_authenticated or not policies.can_view_clients(actor, workspace):
        return clients.none()
    return clients


def _count(model: type[ContactPerson] | type[Contract]) -> Coalesce:
    """A correlated count per client: two of them in one statement, no row multiplication
    (two Counts over two joins would multiply each other)."""
    counted = (
        model.objects.filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def client_search(clients: QuerySet[Client], query: str) -> QuerySet[Client]:
    """Clients whose name resembles the query (trigram word similarity on PostgreSQL) or
    contains it, or who have a contract whose number contains it. Each branch is a
    subquery its own index serves (client_name_trgm, contract_number_trgm), joined by
    UNION, so a search never scores every client of the workspace."""
    from pult.core.search import has_trigram

    query = " ".join(query.split())[:100]
    if not query:
        return clients
    by_name = Client.objects.filter(name__trgm_icontains=query).values("pk")
    by_contract = Contract.objects.filter(number__trgm_icontains=query).values("client")
    if has_trigram():
        from django.contrib.postgres.search import TrigramWordSimilarity

        # `%>` is served by the index at the connection's threshold (0.3, settings);
        # the score keeps this search's own cut.
        similar = (
            Client.objects.filter(name__trigram_word_similar=query)
            .annotate(name_score=TrigramWordSimilarity(query, "name"))
            .filter(name_score__gte=NAME_SIMILARITY)
            .values("pk")
        )
        return clients.filter(pk__in=by_name.union(by_contract, similar))
    return clients.filter(pk__in=by_name.union(by_contract))


def client_page(
    *,
    actor: User,
    workspace: Workspace,
    query: str = "",
    status: str = "",
    manager_id: int | None = None,
    archived: bool = False,
    cursor: int | None = None,
    page_size: int = 50,
) -> KeysetPage[Client]:
    """One page of clients, newest first, with the manager joined and `contact_count`,
    `contract_count` counted in the same statement (one query per page)."""
    clients = client_visible_to(actor, workspace)
    clients = clients.filter(archived_at__isnull=not archived)
    if status:
        clients = clients.filter(status=status)
    if manager_id:
        clients = clients.filter(manager_id=manager_id)
    clients = client_search(clients, query)
    clients = clients.select_related("manager").annotate(
        contact_count=_count(ContactPerson), contract_count=_count(Contract)
    )
    return keyset_page(clients, cursor=cursor, page_size=page_size)


def contact_search(
    *, actor: User, workspace: Workspace, query: str, limit: int = 20
) -> list[ContactPerson]:
    """Contact persons of the clients the actor sees whose name, position, e-mail or phone
    contains the query (any case, any language: `trgm_icontains`), by name, with their
    client. One query; a workspace's contacts are read through their foreign key."""
    query = " ".join(query.split())[:100]
    if not query:
        return []
    match = (
        Q(full_name__trgm_icontains=query)
        | Q(position__trgm_icontains=query)
        | Q(emails__trgm_icontains=query)
        | Q(phones__trgm_icontains=query)
    )
    return list(
        ContactPerson.objects.filter(
            match,
            workspace=workspace,
            client__in=client_visible_to(actor, workspace).values("pk"),
        )
        .select_related("client")
        .order_by("full_name", "pk")[:limit]
    )


def client_get(*, actor: User, workspace: Workspace, client_id: int) -> Client:
    """A client with its manager, contacts (by name) and contracts (newest first);
    NotFound if the actor may not see it."""
    from django.db.models import Prefetch

    client = (
        client_visible_to(actor, workspace)
        .select_related("manager")
        .prefetch_related(
            Prefetch("contacts", queryset=ContactPerson.objects.order_by("full_name", "pk")),
            Prefetch("contracts", queryset=Contract.objects.order_by("-signed_on", "-pk")),
        )
        .filter(pk=client_id)
        .first()
    )
    if client is None:
        raise NotFound("client")
    return client


def contact_get(*, actor: User, workspace: Workspace, contact_id: int) -> ContactPerson:
    contact = (
        ContactPerson.objects.filter(
            workspace=workspace,
            pk=contact_id,
            client__in=client_visible_to(actor, workspace),
        )
        .select_related("client")
        .first()
    )
    if contact is None:
        raise NotFound("contact")
    return contact


def contract_get(*, actor: User, workspace: Workspace, contract_id: int) -> Contract:
    contract = (
        Contract.objects.filter(
            workspace=workspace,
            pk=contract_id,
            client__in=client_visible_to(actor, workspace),
        )
        .select_related("client")
        .first()
    )
    if contract is None:
        raise NotFound("contract")
    return contract


def manager_choices(*, workspace: Workspace) -> list[tuple[int, str]]:
    """Active members of the workspace, by name: who may be a client's manager."""
    from pult.accounts.models import Membership

    return [
        (user_id, name or email)
        for user_id, name, email in Membership.objects.filter(workspace=workspace, is_active=True)
        .order_by("user__full_name", "user_id")
        .values_list("user_id", "user__full_name", "user__email")[:1000]
    ]
