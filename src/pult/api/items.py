"""Work items over the API: the same filters, selectors and services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from pult.accounts.models import User, Workspace
from pult.chat import selectors as chat_selectors
from pult.chat import services as chat_services
from pult.core.exceptions import NotFound
from pult.documents import selectors as document_selectors
from pult.documents import services as document_services
from pult.work import selectors, services
from pult.work.filters import parse_filter
from pult.work.models import Item, ItemType

router = Router(tags=["items"])


class StatusOut(Schema):
    key: str
    name: str
    category: str


class PersonOut(Schema):
    id: int
    full_name: str


class ItemOut(Schema):
    id: int
    reference: str
    item_type: str
    title: str
    status: StatusOut
    urgent: bool
    requester: PersonOut
    assignees: list[PersonOut]
    outlet: str | None
    values: dict[str, Any]
    ahead: int | None = None
    submitted_at: datetime
    start_at: datetime | None
    due_at: datetime | None
    started_at: datetime | None
    closed_at: datetime | None
    url: str


class ItemPage(Schema):
    items: list[ItemOut]
    next_cursor: int | None


class ItemIn(Schema):
    item_type: str
    title: str
    values: dict[str, Any] = {}
    outlet: int | None = None


class StepIn(Schema):
    comment: str = ""
    values: dict[str, Any] = {}


class UrgentIn(Schema):
    urgent: bool


class TakeIn(Schema):
    item_type: str


class MessageIn(Schema):
    body: str
    internal: bool = False


class MessageOut(Schema):
    id: int
    author: PersonOut
    body: str
    internal: bool
    created_at: datetime


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    size: int
    content_type: str
    created_at: datetime
    download_url: str


def _actor(request: HttpRequest) -> tuple[User, Workspace]:
    assert isinstance(request.user, User)
    return request.user, request.workspace  # type: ignore[attr-defined]


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "full_name": user.full_name}


def _item(item: Item, ahead: int | None = None) -> dict[str, Any]:
    outlet = item.outlet
    return {
        "id": item.pk,
        "reference": item.reference,
        "item_type": item.item_type.key,
        "title": item.title,
        "status": {
            "key": item.status.key,
            "name": item.status.name,
            "category": item.status.category,
        },
        "urgent": item.urgent_at is not None,
        "requester": _person(item.requester),
        "assignees": [_person(u) for u in item.assignees.all()],
        "outlet": f"{outlet.brand.name} · {outlet.city}, №{outlet.number}" if outlet else None,
        "values": item.values,
        "ahead": ahead,
        "submitted_at": item.submitted_at,
        "start_at": item.start_at,
        "due_at": item.due_at,
        "started_at": item.started_at,
        "closed_at": item.closed_at,
        "url": reverse("work:item_detail", args=[item.pk]),
    }


def _detail(user: User, workspace: Workspace, item_id: int) -> dict[str, Any]:
    item = selectors.item_get(actor=user, workspace=workspace, item_id=item_id)
    return _item(item, selectors.queue_position(item))


def _item_type_key(workspace: Workspace, key: str) -> str:
    if not ItemType.objects.filter(workspace=workspace, key=key).exists():
        raise NotFound("item type")
    return key


@router.get("/items", response=ItemPage)
def item_list(request: HttpRequest, cursor: int | None = None, limit: int = 50) -> dict[str, Any]:
    """Filter with the list page's parameters: q, item_type, status, category, overdue,
    urgent, requester, assignee, outlet, brand, city, submitted_/due_/closed_from|to,
    f_<field>=value."""
    user, workspace = _actor(request)
    flt = parse_filter(request.GET)
    page = selectors.item_list(
        actor=user, workspace=workspace, flt=flt, cursor=cursor, page_size=limit
    )
    return {"items": [_item(i) for i in page.rows], "next_cursor": page.next_cursor}


@router.post("/items", response={201: ItemOut})
def item_create(request: HttpRequest, payload: ItemIn) -> Status[Any]:
    user, workspace = _actor(request)
    item = services.work_item_submit(
        actor=user,
        workspace=workspace,
        item_type_key=_item_type_key(workspace, payload.item_type),
        title=payload.title,
        values=payload.values,
        outlet=services.outlet_for(workspace, payload.outlet),
    )
    return Status(201, _detail(user, workspace, item.pk))


@router.post("/items/take-next", response=ItemOut)
def item_take_next(request: HttpRequest, payload: TakeIn) -> dict[str, Any]:
    user, workspace = _actor(request)
    item = services.work_item_take_next(
        actor=user, workspace=workspace, item_type_key=payload.item_type
    )
    return _detail(user, workspace, item.pk)


@router.get("/items/{item_id}", response=ItemOut)
def item_get(request: HttpRequest, item_id: int) -> dict[str, Any]:
    user, workspace = _actor(request)
    return _detail(user, workspace, item_id)


@router.post("/items/{item_id}/transitions/{key}", response=ItemOut)
def item_transition(
    request: HttpRequest, item_id: int, key: str, payload: StepIn
) -> dict[str, Any]:
    user, workspace = _actor(request)
    selectors.item_get(actor=user, workspace=workspace, item_id=item_id)  # 404 if invisible
    services.work_item_transition(
        actor=user,
        workspace=workspace,
        item_id=item_id,
        transition_key=key,
        comment=payload.comment,
        values=payload.values or None,
    )
    return _detail(user, workspace, item_id)


@router.post("/items/{item_id}/urgent", response=ItemOut)
def item_urgent(request: HttpRequest, item_id: int, payload: UrgentIn) -> dict[str, Any]:
    user, workspace = _actor(request)
    selectors.item_get(actor=user, workspace=workspace, item_id=item_id)
    services.work_item_set_urgent(
        actor=user, workspace=workspace, item_id=item_id, urgent=payload.urgent
    )
    return _detail(user, workspace, item_id)


def _message(message: Any) -> dict[str, Any]:
    return {
        "id": message.pk,
        "author": _person(message.author),
        "body": message.body,
        "internal": message.internal,
        "created_at": message.created_at,
    }


@router.get("/items/{item_id}/messages", response=list[MessageOut])
def message_list(
    request: HttpRequest, item_id: int, before: int | None = None, after: int | None = None
) -> list[dict[str, Any]]:
    user, workspace = _actor(request)
    item = selectors.item_get(actor=user, workspace=workspace, item_id=item_id)
    messages = chat_selectors.message_list(
        actor=user, workspace=workspace, item=item, before_id=before, after_id=after
    )
    return [_message(m) for m in messages]


@router.post("/items/{item_id}/messages", response={201: MessageOut})
def message_post(request: HttpRequest, item_id: int, payload: MessageIn) -> Status[Any]:
    user, workspace = _actor(request)
    message = chat_services.message_post(
        actor=user,
        workspace=workspace,
        item_id=item_id,
        body=payload.body,
        internal=payload.internal,
    )
    return Status(201, _message(message))


def _attachment(attachment: Any) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "kind": attachment.kind,
        "name": attachment.original_name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "created_at": attachment.created_at,
        "download_url": reverse("documents:attachment_download", args=[attachment.pk]),
    }


@router.get("/items/{item_id}/attachments", response=list[AttachmentOut])
def attachment_list(request: HttpRequest, item_id: int) -> list[dict[str, Any]]:
    user, workspace = _actor(request)
    item = selectors.item_get(actor=user, workspace=workspace, item_id=item_id)
    attachments = document_selectors.attachment_list(actor=user, workspace=workspace, item=item)
    return [_attachment(a) for a in attachments]


@router.post("/items/{item_id}/attachments", response={201: AttachmentOut})
def attachment_add(
    request: HttpRequest,
    item_id: int,
    file: File[UploadedFile],
    kind: Form[str] = "input",
) -> Status[Any]:
    user, workspace = _actor(request)
    attachment = document_services.attachment_add(
        actor=user, workspace=workspace, item_id=item_id, upload=file, kind=kind
    )
    return Status(201, _attachment(attachment))
