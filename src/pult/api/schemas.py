from __future__ import annotations

from datetime import datetime

from ninja import Schema


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorBody


class WorkspaceOut(Schema):
    id: int
    name: str
    slug: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    phone: str
    position: str
    department: str | None
    locale: str
    time_zone: str
    workspace: WorkspaceOut
    roles: list[str]
    permissions: list[str]


class MePatch(Schema):
    full_name: str | None = None
    phone: str | None = None
    position: str | None = None
    locale: str | None = None
    time_zone: str | None = None


class PermissionOut(Schema):
    code: str
    label: str
    group: str


class RoleOut(Schema):
    id: int
    name: str
    description: str
    permissions: list[str]


class RoleIn(Schema):
    name: str
    description: str = ""
    permissions: list[str] = []


class NotificationOut(Schema):
    id: int
    text: str
    verb: str
    actor: str | None
    created_at: datetime
    read: bool


class Page(Schema):
    next_cursor: int | None


class RolePage(Page):
    items: list[RoleOut]


class NotificationPage(Page):
    items: list[NotificationOut]
    unread: int
