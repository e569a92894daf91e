"""Who may add, remove and edit files, articles and materials. Seeing them is the
selectors' job: attachments follow their item, the rest is open to every member."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.access.policies import has_permission
from pult.documents.models import Attachment, AttachmentKind
from pult.documents.permissions import MANAGE_KNOWLEDGE, MANAGE_MATERIALS
from pult.work.policies import can_manage_items, relations

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
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
