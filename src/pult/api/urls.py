"""The REST API at /api/v1/: endpoints call the same services and selectors as the UI."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import NinjaAPI, Router, Status

from pult.access import selectors as access_selectors
from pult.access import services as access_services
from pult.access.catalogue import permission_groups
from pult.access.models import Role
from pult.access.policies import can_manage_roles, permission_codes
from pult.accounts import services as accounts_services
from pult.accounts.models import User, Workspace
from pult.api import errors
from pult.api.auth import api_auth
from pult.api.clients import router as clients_router
from pult.api.items import router as items_router
from pult.api.parser import TextParser
from pult.api.reminders import router as reminders_router
from pult.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    Limit,
    MeOut,
    MePatch,
    NotificationPage,
    PermissionOut,
    RoleIn,
    RoleOut,
    RolePage,
)
from pult.core.http import actor_and_workspace
from pult.core.pagination import keyset_page
from pult.notifications import selectors as notification_selectors
from pult.notifications import services as notification_services
from pult.notifications.texts import notification_text

api = NinjaAPI(
    title="Pult API",
    version="1",
    urls_namespace="api",
    auth=api_auth,
    docs_url="/docs",
    parser=TextParser(),
)
errors.install(api)


# --- Me ---------------------------------------------------------------------------
me_router = Router(tags=["me"])


def _me(request: HttpRequest) -> dict[str, object]:
    user, workspace = actor_and_workspace(request)
    membership = request.membership  # type: ignore[attr-defined]
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "position": user.position,
        "department": membership.department.name if membership.department_id else None,
        "locale": user.locale,
        "time_zone": user.time_zone,
        "workspace": {"id": workspace.pk, "name": workspace.name, "slug": workspace.slug},
        "roles": sorted(membership.roles.values_list("name", flat=True)),
        "permissions": sorted(permission_codes(user, workspace)),
    }


@me_router.get("/me", response={200: MeOut, **ERRORS})
def me_get(request: HttpRequest) -> dict[str, object]:
    return _me(request)


@me_router.patch("/me", response={200: MeOut, **WRITE_ERRORS})
def me_patch(request: HttpRequest, payload: MePatch) -> dict[str, object]:
    user, _workspace = actor_and_workspace(request)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    request.user = accounts_services.profile_update(actor=user, changes=changes)
    return _me(request)


# --- Roles ------------------------------------------------------------------------
roles_router = Router(tags=["roles"])


def _role(role: Role) -> dict[str, object]:
    return {
        "id": role.pk,
        "name": role.name,
        "description": role.description,
        "permissions": sorted(g.code for g in role.grants.all()),
    }


def _require_roles_admin(request: HttpRequest) -> tuple[User, Workspace]:
    user, workspace = actor_and_workspace(request)
    if not can_manage_roles(user, workspace):
        raise PermissionDenied
    return user, workspace


@roles_router.get("/permissions", response={200: list[PermissionOut], **ERRORS})
def permission_list(request: HttpRequest) -> list[dict[str, str]]:
    _require_roles_admin(request)
    return [
        {"code": p.code, "label": str(p.label), "group": str(g.title)}
        for g in permission_groups()
        for p in g.permissions
    ]


@roles_router.get("/roles", response={200: RolePage, **ERRORS})
def role_list(
    request: HttpRequest, cursor: Id | None = None, limit: Limit = 50
) -> dict[str, object]:
    user, workspace = _require_roles_admin(request)
    page = keyset_page(
        access_selectors.role_visible_to(user, workspace).prefetch_related("grants"),
        cursor=cursor,
        page_size=limit,
    )
    return {"items": [_role(r) for r in page.rows], "next_cursor": page.next_cursor}


@roles_router.post("/roles", response={201: RoleOut, **WRITE_ERRORS})
def role_create(request: HttpRequest, payload: RoleIn) -> Status[Any]:
    user, workspace = _require_roles_admin(request)
    role = access_services.role_create(
        actor=user,
        workspace=workspace,
        name=payload.name,
        description=payload.description,
        codes=payload.permissions,
    )
    return Status(
        201, _role(access_selectors.role_get(actor=user, workspace=workspace, role_id=role.pk))
    )


@roles_router.get("/roles/{role_id}", response={200: RoleOut, **ERRORS})
def role_get(request: HttpRequest, role_id: Id) -> dict[str, object]:
    user, workspace = actor_and_workspace(request)
    return _role(access_selectors.role_get(actor=user, workspace=workspace, role_id=role_id))


@roles_router.put("/roles/{role_id}", response={200: RoleOut, **WRITE_ERRORS})
def role_update(request: HttpRequest, role_id: Id, payload: RoleIn) -> dict[str, object]:
    user, workspace = actor_and_workspace(request)
    access_services.role_update(
        actor=user,
        workspace=workspace,
        role_id=role_id,
        name=payload.name,
        description=payload.description,
        codes=payload.permissions,
    )
    return _role(access_selectors.role_get(actor=user, workspace=workspace, role_id=role_id))


@roles_router.delete("/roles/{role_id}", response={204: None, **WRITE_ERRORS})
def role_delete(request: HttpRequest, role_id: Id) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    access_services.role_delete(actor=user, workspace=workspace, role_id=role_id)
    return Status(204, None)


# --- Notifications ------------------------------------------------------------------
notifications_router = Router(tags=["notifications"])


@notifications_router.get("/notifications", response={200: NotificationPage, **ERRORS})
def notification_list(
    request: HttpRequest, cursor: Id | None = None, unread: bool = False, limit: Limit = 30
) -> dict[str, object]:
    user, workspace = actor_and_workspace(request)
    page = notification_selectors.inbox_page(
        actor=user, workspace=workspace, cursor=cursor, unread_only=unread, page_size=limit
    )
    items = [
        {
            "id": n.pk,
            "text": notification_text(n, user),
            "verb": n.event.verb,
            "actor": n.event.actor.full_name if n.event.actor else None,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in page.rows
    ]
    return {
        "items": items,
        "next_cursor": page.next_cursor,
        "unread": notification_selectors.inbox_unread(actor=user, workspace=workspace),
    }


@notifications_router.post(
    "/notifications/{notification_id}/read", response={204: None, **WRITE_ERRORS}
)
def notification_read(request: HttpRequest, notification_id: Id) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    notification_services.notification_mark_read(
        actor=user, workspace=workspace, notification_id=notification_id
    )
    return Status(204, None)


@notifications_router.post("/notifications/read-all", response={204: None, **WRITE_ERRORS})
def notification_read_all(request: HttpRequest) -> Status[Any]:
    user, workspace = actor_and_workspace(request)
    notification_services.notifications_mark_all_read(actor=user, workspace=workspace)
    return Status(204, None)


api.add_router("", me_router)
api.add_router("", roles_router)
api.add_router("", notifications_router)
api.add_router("", items_router)
api.add_router("", clients_router)
api.add_router("", reminders_router)
api.add_router("", "pult.api.documents.router")
