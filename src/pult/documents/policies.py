"""Who may add, remove and edit files, documents, articles and materials. Seeing them
is the selectors' job: attachments and order documents follow their item, contract
documents their client, the rest is open to every member."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.access.policies import has_permission
from pult.documents.models import Attachment, AttachmentKind, Document
from pult.documents.permissions import MANAGE_KNOWLEDGE, MANAGE_MATERIALS
from pult.parties.policies import can_manage_clients
from pult.work.policies import can_manage_items, relations

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.parties.models import Contract
    from pult.work.models import Item


def can_add_input_attachment(actor: User, item: Item) -> bool:
    """Source files: the requester, the people working on it, managers."""
    return bool(relations(actor, item) & {"requester", "assignee"}) or can_manage_items(
        actor, item.workspace
    )


def can_add_deliverable_attachment(actor: User, item: Item) -> bool:
    """Results: only those doing the work, and managers."""
    return "assignee" in relations(actor, item) or can_manage_items(actor, item.workspace)


def can_add_attachment(actor: User, item: Item, kind: str) -> bool:
    if kind == AttachmentKind.INPUT:
        return can_add_input_attachment(actor, item)
    if kind == AttachmentKind.DELIVERABLE:
        return can_add_deliverable_attachment(actor, item)
    return False


def can_remove_attachment(actor: User, attachment: Attachment) -> bool:
    return attachment.uploaded_by_id == actor.pk or can_manage_items(actor, attachment.workspace)


def can_manage_knowledge(actor: User, workspace: Workspace | None) -> bool:
    return has_permission(actor, workspace, MANAGE_KNOWLEDGE)


def can_manage_materials(actor: User, workspace: Workspace | None) -> bool:
    return has_permission(actor, workspace, MANAGE_MATERIALS)


# --- Versioned documents of contracts and orders -------------------------------------
# Seeing a document is seeing its contract's client or its order (selectors); these
# decide who may change them: whoever may edit the client, or work on the order.


def can_edit_contract_documents(actor: User, workspace: Workspace, contract: Contract) -> bool:
    """Add documents and versions to a contract: whoever may change the client base."""
    return contract.workspace_id == workspace.pk and can_manage_clients(actor, workspace)


def can_edit_item_documents(actor: User, workspace: Workspace, item: Item) -> bool:
    """Add documents and versions to an order: managers (work.manage), the order's
    responsible manager and the people assigned to it; not those who only see it."""
    if item.workspace_id != workspace.pk:
        return False
    return (
        can_manage_items(actor, workspace)
        or (item.manager_id is not None and item.manager_id == actor.pk)
        or "assignee" in relations(actor, item)
    )


def can_edit_document(actor: User, workspace: Workspace, document: Document) -> bool:
    """Upload a new version of the document or rename it."""
    if document.contract is not None:
        return can_edit_contract_documents(actor, workspace, document.contract)
    assert document.item is not None
    return can_edit_item_documents(actor, workspace, document.item)


def can_remove_document(actor: User, workspace: Workspace, document: Document) -> bool:
    """Remove a document with all its versions: whoever may edit it, if they added it
    or manage clients (contracts) / work items (orders)."""
    if not can_edit_document(actor, workspace, document):
        return False
    if document.created_by_id == actor.pk:
        return True
    if document.contract_id is not None:
        return can_manage_clients(actor, workspace)
    return can_manage_items(actor, workspace)
