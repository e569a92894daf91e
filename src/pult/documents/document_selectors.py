"""Reads of the versioned documents of contracts and orders, scoped to the actor.

`document_visible_to` is the one rule: a document exists for an actor exactly when
its contract's client (`client_visible_to`) or its order (`item_visible_to`) does.
Pages, downloads and the API all go through it.

Split from selectors.py (attachments, articles, materials) to keep each module readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from pult.core.exceptions import NotFound
from pult.documents import policies
from pult.documents.models import Document, DocumentVersion
from pult.parties.client_selectors import client_visible_to
from pult.parties.models import Contract
from pult.work.selectors import item_visible_to

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.work.models import Item


ORDER_TYPE_KEY = "order"  # the expertise-orders preset's item type


def item_takes_documents(item: Item) -> bool:
    """Orders keep documents: items for a client, or of the preset's order type (an
    order filed before its client was chosen). Internal requests keep attachments."""
    return item.client_id is not None or item.item_type.key == ORDER_TYPE_KEY


def document_visible_to(actor: User, workspace: Workspace) -> QuerySet[Document]:
    """Documents whose contract's client or whose order the actor may see."""
    contracts = Contract.objects.filter(
        workspace=workspace, client__in=client_visible_to(actor, workspace).values("pk")
    )
    # Two subqueries, no joins: the rows are never duplicated and can be locked.
    return Document.objects.filter(workspace=workspace).filter(
        Q(contract__in=contracts.values("pk"))
        | Q(item__in=item_visible_to(actor, workspace).values("pk"))
    )


def _with_history(documents: QuerySet[Document]) -> QuerySet[Document]:
    """Each document's versions newest first (one more query for any number of them)."""
    return documents.select_related("created_by").prefetch_related(
        Prefetch(
            "versions",
            queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"),
        )
    )


def document_list(
    *,
    actor: User,
    workspace: Workspace,
    contract: Contract | None = None,
    item: Item | None = None,
) -> list[Document]:
    """The documents of one contract or one order, freshest first, with their versions
    (index document_ws_contract / document_ws_item); two queries whatever the count."""
    documents = document_visible_to(actor, workspace)
    if contract is not None:
        documents = documents.filter(contract=contract)
    elif item is not None:
        documents = documents.filter(item=item)
    else:
        return []
    found = list(_with_history(documents).order_by("-updated_at", "-pk")[:200])
    for document in found:
        # The caller fetched the owner through its own selector: reuse it, no query.
        if contract is not None:
            document.contract = contract
        else:
            document.item = item
    return found


def document_get(*, actor: User, workspace: Workspace, document_id: int) -> Document:
    """A visible document with its owner and versions; NotFound otherwise."""
    document = (
        _with_history(document_visible_to(actor, workspace))
        .select_related("contract", "contract__client", "item")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise NotFound("document")
    return document


def document_version_get(*, actor: User, workspace: Workspace, version_id: int) -> DocumentVersion:
    """A version of a visible document (what a download serves); NotFound otherwise."""
    version = (
        DocumentVersion.objects.filter(
            workspace=workspace,
            pk=version_id,
            document__in=document_visible_to(actor, workspace).values("pk"),
        )
        .select_related("document", "uploaded_by")
        .first()
    )
    if version is None:
        raise NotFound("document version")
    return version


def document_panel(
    *,
    actor: User,
    workspace: Workspace,
    contract: Contract | None = None,
    item: Item | None = None,
) -> dict[str, Any]:
    """What `documents/_documents.html` shows for a contract or an order that the caller
    fetched through its visibility selector (contract_get / item_get)."""
    documents = document_list(actor=actor, workspace=workspace, contract=contract, item=item)
    if contract is not None:
        can_edit = policies.can_edit_contract_documents(actor, workspace, contract)
        upload_url = reverse("documents:contract_document_add", args=[contract.pk])
    elif item is not None:
        can_edit = policies.can_edit_item_documents(actor, workspace, item)
        upload_url = reverse("documents:item_document_add", args=[item.pk])
    else:
        raise NotFound("documents")
    for document in documents:
        document.can_edit = can_edit  # type: ignore[attr-defined]
        document.can_remove = policies.can_remove_document(actor, workspace, document)  # type: ignore[attr-defined]
        history = list(document.versions.all())
        document.current = history[0] if history else None  # type: ignore[attr-defined]
    return {
        "documents": documents,
        "can_edit_documents": can_edit,
        "document_upload_url": upload_url,
        "document_owner_key": f"contract-{contract.pk}" if contract else f"item-{item.pk}",  # type: ignore[union-attr]
    }
