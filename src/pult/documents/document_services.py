"""Writes of the versioned documents of contracts and orders.

Every function finds its document, contract or order through the visibility selectors
(invisible = NotFound), checks the policy (Forbidden), checks the file by its bytes
against the office allow-list (DomainError naming the problem) before anything is
stored, and records an event on the contract's client or on the order, in the same
transaction. A file is written only after every check passed and deleted again if
its row cannot be saved; a removed document's files go only once the removal commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from pult.activity.services import event_record
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.documents import policies
from pult.documents.document_selectors import (
    document_get,
    document_visible_to,
    item_takes_documents,
)
from pult.documents.files import OFFICE_HINT, OFFICE_TYPES, CheckedFile, check_upload
from pult.documents.models import Document, DocumentVersion
from pult.documents.services import _delete_after_commit, _discard
from pult.parties.client_selectors import contract_get
from pult.work.selectors import item_get

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

TITLE_MAX = 200
NOTE_MAX = 500


def _title(raw: str, fallback: str = "") -> str:
    title = " ".join(raw.split()) or " ".join(fallback.split())
    if not title:
        message = _("This field is required.")
        raise DomainError(_("Enter a title."), field_errors={"title": [message]})
    if len(title) > TITLE_MAX:
        message = _("At most 200 characters.")
        raise DomainError(message, field_errors={"title": [message]})
    return title


def _note(raw: str) -> str:
    note = " ".join(raw.split())
    if len(note) > NOTE_MAX:
        message = _("At most 500 characters.")
        raise DomainError(message, field_errors={"note": [message]})
    return note


def _target(document: Document) -> Model:
    """Where the timeline shows the event: the contract's client, or the order."""
    if document.contract is not None:
        return document.contract.client
    assert document.item is not None
    return document.item


def _verb(document: Document, action: str) -> str:
    return f"documents.{'contract' if document.contract_id else 'item'}_document_{action}"


def _payload(document: Document, **extra: object) -> dict[str, object]:
    payload: dict[str, object] = {"document_id": document.pk, "title": document.title}
    if document.contract is not None:
        payload["contract"] = document.contract.number
    return payload | extra


def _checked(upload: UploadedFile) -> CheckedFile:
    """The office allow-list: PDF, Word, Excel and pictures, judged by the bytes."""
    return check_upload(upload, allowed=OFFICE_TYPES, allowed_hint=OFFICE_HINT)


def _write_version(
    *, actor: User, document: Document, checked: CheckedFile, note: str, number: int
) -> DocumentVersion:
    """Write the checked file under a random name and save the version row; the caller
    discards `version.file` if anything after this fails."""
    version = DocumentVersion(
        workspace_id=document.workspace_id,
        document=document,
        number=number,
        original_name=checked.original_name,
        content_type=checked.file_type.content_type,
        size=checked.size,
        uploaded_by=actor,
        note=note,
    )
    version.file.save(checked.original_name, checked.content, save=False)
    return version


@transaction.atomic
def document_add(
    *,
    actor: User,
    workspace: Workspace,
    upload: UploadedFile,
    title: str = "",
    note: str = "",
    contract_id: int | None = None,
    item_id: int | None = None,
) -> Document:
    """A new document with its first version, on one contract or one order the actor
    sees and may edit; the title defaults to the file's name."""
    if (contract_id is None) == (item_id is None):
        raise DomainError(_("A document belongs to one contract or to one order."))
    document = Document(workspace=workspace, created_by=actor, current_version=1)
    if contract_id is not None:
        contract = contract_get(actor=actor, workspace=workspace, contract_id=contract_id)
        if not policies.can_edit_contract_documents(actor, workspace, contract):
            raise Forbidden(_("You may not add documents to this contract."))
        document.contract = contract
    else:
        assert item_id is not None
        item = item_get(actor=actor, workspace=workspace, item_id=item_id)
        if not item_takes_documents(item):
            raise DomainError(_("Documents are kept on orders and contracts only."))
        if not policies.can_edit_item_documents(actor, workspace, item):
            raise Forbidden(_("You may not add documents to this order."))
        document.item = item
    note = _note(note)
    stem = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    document.title = _title(title, fallback=stem[:TITLE_MAX])
    checked = _checked(upload)  # refused here: no row, no file
    document.save()
    version = _write_version(actor=actor, document=document, checked=checked, note=note, number=1)
    try:
        version.save()
        event_record(
            actor=actor,
            workspace=workspace,
            verb=_verb(document, "added"),
            target=_target(document),
            payload=_payload(document, number=1, name=version.original_name),
        )
    except BaseException:
        _discard([version.file])
        raise
    return document


@transaction.atomic
def document_version_add(
    *, actor: User, workspace: Workspace, document_id: int, upload: UploadedFile, note: str = ""
) -> DocumentVersion:
    """Upload the next version of a document the actor sees and may edit.

    The document's row is locked before its number is read, so two uploads at once get
    n+1 and n+2 (the second waits for the first to commit, then reads n+1).
    """
    document = document_get(actor=actor, workspace=workspace, document_id=document_id)
    if not policies.can_edit_document(actor, workspace, document):
        raise Forbidden(_("You may not upload new versions of this document."))
    note = _note(note)
    checked = _checked(upload)  # refused before the lock is taken: no row, no file
    locked = (
        document_visible_to(actor, workspace)
        .select_for_update(of=("self",))
        .filter(pk=document.pk)
        .values_list("current_version", flat=True)
        .first()
    )
    if locked is None:  # removed meanwhile
        raise NotFound(_("Not found."))
    number = locked + 1
    version = _write_version(
        actor=actor, document=document, checked=checked, note=note, number=number
    )
    try:
        version.save()
        Document.objects.filter(pk=document.pk).update(
            current_version=number, updated_at=timezone.now()
        )
        document.current_version = number
        event_record(
            actor=actor,
            workspace=workspace,
            verb=_verb(document, "version_added"),
            target=_target(document),
            payload=_payload(document, number=number, name=version.original_name, note=note),
        )
    except BaseException:
        _discard([version.file])
        raise
    return version


@transaction.atomic
def document_rename(*, actor: User, workspace: Workspace, document_id: int, title: str) -> Document:
    """Give a document another title; its versions and files stay as they are."""
    document = document_get(actor=actor, workspace=workspace, document_id=document_id)
    if not policies.can_edit_document(actor, workspace, document):
        raise Forbidden(_("You may not rename this document."))
    title = _title(title)
    before = document.title
    if title == before:
        return document
    Document.objects.filter(pk=document.pk).update(title=title)
    document.title = title
    event_record(
        actor=actor,
        workspace=workspace,
        verb=_verb(document, "renamed"),
        target=_target(document),
        payload=_payload(document, before=before),
    )
    return document


@transaction.atomic
def document_remove(*, actor: User, workspace: Workspace, document_id: int) -> None:
    """Remove a document with all its versions; the files go once the removal commits."""
    document = document_get(actor=actor, workspace=workspace, document_id=document_id)
    if not policies.can_remove_document(actor, workspace, document):
        raise Forbidden(_("Only the person who added the document or a manager may remove it."))
    # Lock first: a version being uploaded right now either lands before or finds nothing.
    Document.objects.select_for_update().filter(pk=document.pk).first()
    files = [v.file for v in DocumentVersion.objects.filter(document=document)]
    target, payload, verb = _target(document), _payload(document), _verb(document, "removed")
    document.delete()
    _delete_after_commit(files)
    event_record(actor=actor, workspace=workspace, verb=verb, target=target, payload=payload)
