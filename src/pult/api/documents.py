"""Versioned documents of contracts and orders over the API: the same selectors and
services as the pages.

A contract, order, document or version the caller may not see does not exist (404);
callers who see but may not edit get 403 on writes; a refused file is a 400 naming
the problem, and nothing is stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from pult.accounts.models import User, Workspace
from pult.api.schemas import ERRORS, WRITE_ERRORS, Id, In, SingleLine
from pult.core.exceptions import NotFound
from pult.core.http import actor_and_workspace
from pult.documents import document_selectors as selectors
from pult.documents import document_services as services
from pult.documents.models import Document, DocumentVersion
from pult.documents.views import _file_response
from pult.parties.client_selectors import contract_get
from pult.work.selectors import item_get

router = Router(tags=["documents"])


class PersonOut(Schema):
    id: int
    full_name: str


class VersionOut(Schema):
    id: int
    number: int
    name: str
    content_type: str
    size: int
    note: str
    uploaded_by: PersonOut
    uploaded_at: datetime
    download_url: str


class DocumentOut(Schema):
    id: int
    title: str
    contract: int | None
    item: int | None
    current_version: int
    created_by: PersonOut
    created_at: datetime
    updated_at: datetime
    versions: list[VersionOut]  # newest first


class DocumentPatch(In):
    title: SingleLine


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "full_name": user.full_name}


def _version(version: DocumentVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "number": version.number,
        "name": version.original_name,
        "content_type": version.content_type,
        "size": version.size,
        "note": version.note,
        "uploaded_by": _person(version.uploaded_by),
        "uploaded_at": version.uploaded_at,
        "download_url": reverse("api:document_version_file", args=[version.pk]),
    }


def _document(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "title": document.title,
        "contract": document.contract_id,
        "item": document.item_id,
        "current_version": document.current_version,
        "created_by": _person(document.created_by),
        "created_at": document.created_at,
        "updated_at": document.updated_at,
        "versions": [_version(v) for v in document.versions.all()],
    }


def _fresh(user: User, workspace: Workspace, document_id: int) -> dict[str, Any]:
    return _document(
        selectors.document_get(actor=user, workspace=workspace, document_id=document_id)
    )


@router.get("/contracts/{contract_id}/documents", response={200: list[DocumentOut], **ERRORS})
def contract_document_list(request: HttpRequest, contract_id: Id) -> list[dict[str, Any]]:
    user, workspace = actor_and_workspace(request)
    contract = contract_get(actor=user, workspace=workspace, contract_id=contract_id)
    documents = selectors.document_list(actor=user, workspace=workspace, contract=contract)
    return [_document(d) for d in documents]


@router.post("/contracts/{contract_id}/documents", response={201: DocumentOut, **WRITE_ERRORS})
def contract_document_add(
    request: HttpRequest,
    contract_id: Id,
    file: File[UploadedFile],
    # Not Form[SingleLine]: ninja drops the default of a parameter whose Annotated
    # type carries its own metadata (the one-line check), making the title required.
    title: SingleLine = Form(""),  # noqa: B008
    note: Form[str] = "",
) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    document = services.document_add(
        actor=user,
        workspace=workspace,
        upload=file,
        title=title,
        note=note,
        contract_id=contract_id,
    )
    return Status(201, _fresh(user, workspace, document.pk))


@router.get("/items/{item_id}/documents", response={200: list[DocumentOut], **ERRORS})
def item_document_list(request: HttpRequest, item_id: Id) -> list[dict[str, Any]]:
    user, workspace = actor_and_workspace(request)
    item = item_get(actor=user, workspace=workspace, item_id=item_id)
    if not selectors.item_takes_documents(item):
        return []
    documents = selectors.document_list(actor=user, workspace=workspace, item=item)
    return [_document(d) for d in documents]


@router.post("/items/{item_id}/documents", response={201: DocumentOut, **WRITE_ERRORS})
def item_document_add(
    request: HttpRequest,
    item_id: Id,
    file: File[UploadedFile],
    title: SingleLine = Form(""),  # noqa: B008 - see contract_document_add
    note: Form[str] = "",
) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    document = services.document_add(
        actor=user, workspace=workspace, upload=file, title=title, note=note, item_id=item_id
    )
    return Status(201, _fresh(user, workspace, document.pk))


@router.get("/documents/{document_id}", response={200: DocumentOut, **ERRORS})
def document_detail(request: HttpRequest, document_id: Id) -> dict[str, Any]:
    user, workspace = actor_and_workspace(request)
    return _fresh(user, workspace, document_id)


@router.patch("/documents/{document_id}", response={200: DocumentOut, **WRITE_ERRORS})
def document_rename(request: HttpRequest, document_id: Id, payload: DocumentPatch) -> Any:
    user, workspace = actor_and_workspace(request)
    services.document_rename(
        actor=user, workspace=workspace, document_id=document_id, title=payload.title
    )
    return _fresh(user, workspace, document_id)


@router.delete("/documents/{document_id}", response={204: None, **WRITE_ERRORS})
def document_remove(request: HttpRequest, document_id: Id) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    services.document_remove(actor=user, workspace=workspace, document_id=document_id)
    return Status(204, None)


@router.post("/documents/{document_id}/versions", response={201: VersionOut, **WRITE_ERRORS})
def document_version_add(
    request: HttpRequest,
    document_id: Id,
    file: File[UploadedFile],
    note: Form[str] = "",
) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    version = services.document_version_add(
        actor=user, workspace=workspace, document_id=document_id, upload=file, note=note
    )
    return Status(201, _version(version))


@router.get(
    "/document-versions/{version_id}/file",
    url_name="document_version_file",
    response=ERRORS,
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file",
                # The stored file's own type (a PDF, a DOCX, an image …).
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def document_version_file(request: HttpRequest, version_id: Id) -> FileResponse:
    """The file itself, as an attachment with nosniff (as the pages serve it)."""
    user, workspace = actor_and_workspace(request)
    version = selectors.document_version_get(actor=user, workspace=workspace, version_id=version_id)
    if not version.file:
        raise NotFound("file")
    return _file_response(
        version.file, content_type=version.content_type, filename=version.original_name
    )
