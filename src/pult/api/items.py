"""Work items over the API: the same filters, selectors and services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel

from pult.accounts.models import User, Workspace
from pult.api.schemas import ERRORS, WRITE_ERRORS, Day, Id, In, Key, Limit, SingleLine
from pult.chat import selectors as chat_selectors
from pult.chat import services as chat_services
from pult.core.exceptions import NotFound
from pult.core.http import actor_and_workspace
from pult.desk import services as desk_services
from pult.documents import selectors as document_selectors
from pult.documents import services as document_services
from pult.work import item_parties, policies, selectors, services
from pult.work.filters import parse_filter
from pult.work.models import FieldMode, Item, ItemType
from pult.work.stages import stage_panel_list
from pult.work.steps import available_steps

router = Router(tags=["items"])


# What the API sends back is plain pydantic: validating a page of fifty items through
# ninja's Schema (which wraps every nested object for attribute access) cost more than
# reading them from the database.


class StatusOut(BaseModel):
    key: str
    name: str
    category: str


class PersonOut(BaseModel):
    id: int
    full_name: str


class RefOut(BaseModel):
    id: int
    name: str


class ItemOut(BaseModel):
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
    client: RefOut | None = None
    contract: RefOut | None = None
    manager: PersonOut | None = None
    url: str


class ItemPage(BaseModel):
    items: list[ItemOut]
    next_cursor: Id | None


class ItemIn(In):
    item_type: Key
    title: SingleLine
    values: dict[str, Any] = {}
    outlet: Id | None = None
    # An order for a client (P2): a contract alone implies its client; the manager
    # defaults to the caller when they may manage orders.
    client_id: Id | None = None
    contract_id: Id | None = None
    manager_id: Id | None = None


class ValuesIn(In):
    values: dict[str, Any]


class StepOut(Schema):
    """A step the caller may take on the item: now (`available`) or once `missing` is
    done. Steps the caller may never take are not listed."""

    key: str
    label: str
    to_status: StatusOut
    available: bool
    missing: list[str]


class SignedOut(Schema):
    by: str
    at: datetime


class StageFieldOut(Schema):
    key: str
    name: str
    kind: str
    value: Any = None
    mode: str
    required: bool


class StageOut(Schema):
    key: str
    name: str
    signed: SignedOut | None
    fields: list[StageFieldOut]
    missing: list[str]
    can_sign: bool


class StepIn(In):
    comment: str = ""
    values: dict[str, Any] = {}


class UrgentIn(In):
    urgent: bool


class TakeIn(In):
    item_type: Key


class MessageIn(In):
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


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "full_name": user.full_name}


def _item(
    item: Item, ahead: int | None = None, modes: dict[str, str] | None = None
) -> dict[str, Any]:
    """The item as the API shows it; with `modes` (the field policy for the caller),
    fields hidden from the caller are left out of `values`."""
    return _row(selectors.row_of(item), modes, ahead)


def _row(
    row: dict[str, Any], modes: dict[str, str] | None, ahead: int | None = None
) -> dict[str, Any]:
    """`_item` from a row of `selectors.item_rows` (the list reads rows, not models)."""
    values = row["values"]
    if modes is not None:
        values = {k: v for k, v in values.items() if modes.get(k) != FieldMode.HIDDEN}
    status, contract = row["status"], row["contract"]
    return {
        **row,
        "item_type": row["item_type"].key,
        "status": {"key": status.key, "name": status.name, "category": status.category},
        "urgent": row["urgent_at"] is not None,
        "values": values,
        "ahead": ahead,
        "contract": {"id": contract["id"], "name": contract["number"]} if contract else None,
    }


def _modes(user: User, item: Item) -> dict[str, str]:
    return policies.field_modes(
        actor=user,
        item_type=item.item_type,
        status=item.status,
        item=item,
        fields=list(item.item_type.fields.all()),
    )


def _detail(user: User, workspace: Workspace, item_id: int) -> dict[str, Any]:
    item = selectors.item_get(actor=user, workspace=workspace, item_id=item_id)
    return _item(item, selectors.queue_position(item), _modes(user, item))


def _item_type_key(workspace: Workspace, key: str) -> str:
    if not ItemType.objects.filter(workspace=workspace, key=key).exists():
        raise NotFound("item type")
    return key


@router.get("/items", response={200: ItemPage, **ERRORS})
def item_list(
    request: HttpRequest,
    cursor: Id | None = None,
    limit: Limit = 50,
    q: str = "",
    item_type: Id | None = None,
    status: Query[list[Key] | None] = None,
    category: Literal["", "active", "open", "paused", "closed"] = "",
    overdue: bool = False,
    urgent: bool = False,
    requester: Id | None = None,
    assignee: Id | None = None,
    outlet: Id | None = None,
    brand: Id | None = None,
    city: str = "",
    submitted_from: Day | None = None,
    submitted_to: Day | None = None,
    due_from: Day | None = None,
    due_to: Day | None = None,
    closed_from: Day | None = None,
    closed_to: Day | None = None,
) -> dict[str, Any]:
    """Filter with the list page's parameters (and f_<field>=value for a custom field).

    The parameters are declared so that ninja checks them (ids within 64 bits, real
    dates) and the OpenAPI document lists them; the filter itself is read from the
    query string by the same `parse_filter` as the page's."""
    user, workspace = actor_and_workspace(request)
    flt = parse_filter(request.GET)
    page = selectors.item_rows(
        actor=user, workspace=workspace, flt=flt, cursor=cursor, page_size=limit
    )
    modes = policies.field_modes_of_rows(actor=user, workspace=workspace, rows=page.rows)
    items = [_row(row, modes[row["id"]]) for row in page.rows]
    return {"items": items, "next_cursor": page.next_cursor}


@router.post("/items", response={201: ItemOut, **WRITE_ERRORS})
def item_create(request: HttpRequest, payload: ItemIn) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    parties = item_parties.order_parties_from_ids(
        workspace=workspace,
        client_id=payload.client_id,
        contract_id=payload.contract_id,
        manager_id=payload.manager_id,
    )
    item = services.work_item_submit(
        actor=user,
        workspace=workspace,
        item_type_key=_item_type_key(workspace, payload.item_type),
        title=payload.title,
        values=payload.values,
        outlet=services.outlet_for(workspace, payload.outlet),
        client=parties.client,
        contract=parties.contract,
        manager=parties.manager,
    )
    return Status(201, _detail(user, workspace, item.pk))


@router.post("/items/take-next", response={200: ItemOut, **WRITE_ERRORS})
def item_take_next(request: HttpRequest, payload: TakeIn) -> dict[str, Any]:
    user, workspace = actor_and_workspace(request)
    item = desk_services.work_item_take_next(
        actor=user, workspace=workspace, item_type_key=payload.item_type
    )
    return _detail(user, workspace, item.pk)


@router.get("/items/{item_id}", response={200: ItemOut, **ERRORS})
def item_get(request: HttpRequest, item_id: Id) -> dict[str, Any]:
    user, workspace = actor_and_workspace(request)
    return _detail(user, workspace, item_id)


@router.get("/items/{item_id}/steps", response={200: list[StepOut], **ERRORS})
def step_list(request: HttpRequest, item_id: Id) -> list[dict[str, Any]]:
    """The steps the caller may take on the item and what each still needs: the same
    answer as the item page's buttons and the board's columns."""
    user, workspace = actor_and_workspace(request)
    item = selectors.item_get(actor=user, workspace=workspace, item_id=item_id)
    return [
        {
            "key": step.key,
            "label": step.label,
            "to_status": {
                "key": step.to_status.key,
                "name": step.to_status.name,
                "category": step.to_status.category,
            },
            "available": step.available,
            "missing": list(step.missing),
        }
        for step in available_steps(user, item)
    ]


@router.post("/items/{item_id}/transitions/{key}", response={200: ItemOut, **WRITE_ERRORS})
def item_transition(request: HttpRequest, item_id: Id, key: Key, payload: StepIn) -> dict[str, Any]:
    user, workspace = actor_and_workspace(request)
    # The service finds the item through what the caller may see (404 otherwise).
    services.work_item_transition(
        actor=user,
        workspace=workspace,
        item_id=item_id,
        transition_key=key,
        comment=payload.comment,
        values=payload.values or None,
    )
    return _detail(user, workspace, item_id)


def _stages(user: User, item: Item) -> list[dict[str, Any]]:
    """Each stage as the item page shows it to the caller (`stage_panel_list`): its
    sign-off, the fields the caller may see (stored value and mode; hidden fields are
    left out entirely), what signing it still needs and whether the caller may sign."""
    return [
        {
            "key": panel.stage.key,
            "name": panel.stage.name,
            "signed": {"by": panel.signoff.signer_name, "at": panel.signoff.signed_at}
            if panel.signoff
            else None,
            "fields": [
                {
                    "key": row.field.key,
                    "name": row.field.name,
                    "kind": row.field.kind,
                    "value": row.value,
                    "mode": row.mode,
                    "required": row.field.key in panel.required,
                }
                for row in panel.rows
            ],
            "missing": list(panel.missing),
            "can_sign": panel.can_sign,
        }
        for panel in stage_panel_list(actor=user, item=item, modes=_modes(user, item))
    ]


@router.get("/items/{item_id}/stages", response={200: list[StageOut], **ERRORS})
def stage_list(request: HttpRequest, item_id: Id) -> list[dict[str, Any]]:
    user, workspace = actor_and_workspace(request)
    item = selectors.item_get(actor=user, workspace=workspace, item_id=item_id)
    return _stages(user, item)


@router.patch("/items/{item_id}/values", response={200: ItemOut, **WRITE_ERRORS})
def item_values(request: HttpRequest, item_id: Id, payload: ValuesIn) -> dict[str, Any]:
    """Change custom field values under the field policy; a refusal (400) names each
    field in `error.fields`."""
    user, workspace = actor_and_workspace(request)
    selectors.item_get(actor=user, workspace=workspace, item_id=item_id)  # 404 if invisible
    services.work_item_update(
        actor=user, workspace=workspace, item_id=item_id, values=payload.values
    )
    return _detail(user, workspace, item_id)


@router.post("/items/{item_id}/stages/{key}/sign", response={200: list[StageOut], **WRITE_ERRORS})
def stage_sign(request: HttpRequest, item_id: Id, key: Key) -> list[dict[str, Any]]:
    """Sign the stage off; refused (400, code stage_incomplete) naming the empty
    required fields in `error.fields`."""
    user, workspace = actor_and_workspace(request)
    selectors.item_get(actor=user, workspace=workspace, item_id=item_id)
    services.stage_sign(actor=user, workspace=workspace, item_id=item_id, stage_key=key)
    return _stages(user, selectors.item_get(actor=user, workspace=workspace, item_id=item_id))


@router.delete("/items/{item_id}/stages/{key}/sign", response={200: list[StageOut], **WRITE_ERRORS})
def stage_unsign(request: HttpRequest, item_id: Id, key: Key) -> list[dict[str, Any]]:
    """Withdraw the stage's sign-off (managers only)."""
    user, workspace = actor_and_workspace(request)
    selectors.item_get(actor=user, workspace=workspace, item_id=item_id)
    services.stage_unsign(actor=user, workspace=workspace, item_id=item_id, stage_key=key)
    return _stages(user, selectors.item_get(actor=user, workspace=workspace, item_id=item_id))


@router.post("/items/{item_id}/urgent", response={200: ItemOut, **WRITE_ERRORS})
def item_urgent(request: HttpRequest, item_id: Id, payload: UrgentIn) -> dict[str, Any]:
    user, workspace = actor_and_workspace(request)
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


@router.get("/items/{item_id}/messages", response={200: list[MessageOut], **ERRORS})
def message_list(
    request: HttpRequest, item_id: Id, before: Id | None = None, after: Id | None = None
) -> list[dict[str, Any]]:
    user, workspace = actor_and_workspace(request)
    item = selectors.item_get(actor=user, workspace=workspace, item_id=item_id)
    messages = chat_selectors.message_list(
        actor=user, workspace=workspace, item=item, before_id=before, after_id=after
    )
    return [_message(m) for m in messages]


@router.post("/items/{item_id}/messages", response={201: MessageOut, **WRITE_ERRORS})
def message_post(request: HttpRequest, item_id: Id, payload: MessageIn) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
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


@router.get("/items/{item_id}/attachments", response={200: list[AttachmentOut], **ERRORS})
def attachment_list(request: HttpRequest, item_id: Id) -> list[dict[str, Any]]:
    user, workspace = actor_and_workspace(request)
    item = selectors.item_get(actor=user, workspace=workspace, item_id=item_id)
    attachments = document_selectors.attachment_list(actor=user, workspace=workspace, item=item)
    return [_attachment(a) for a in attachments]


@router.post("/items/{item_id}/attachments", response={201: AttachmentOut, **WRITE_ERRORS})
def attachment_add(
    request: HttpRequest,
    item_id: Id,
    file: File[UploadedFile],
    kind: Form[str] = "input",
) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    attachment = document_services.attachment_add(
        actor=user, workspace=workspace, item_id=item_id, upload=file, kind=kind
    )
    return Status(201, _attachment(attachment))
