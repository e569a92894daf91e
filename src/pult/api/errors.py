"""One error format for the whole API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from pult.core.exceptions import DomainError, Forbidden, NotFound


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


def _field_name(location: Any) -> str:
    """The field an error is about, as a client names it: ninja locates a body error
    under the endpoint's parameter ("body", "payload", "title"), which is no name the
    client sent; an error about the body as a whole is "__all__" (as in Django forms)."""
    parts = [str(p) for p in location]
    if parts[:1] == ["body"]:
        parts = parts[2:] or ["__all__"]
    elif len(parts) > 1:
        parts = parts[1:]  # "query", "path", "form": the parameter's name follows
    return ".".join(parts) or "__all__"


def install(api: NinjaAPI) -> None:
    def on_domain(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, NotFound):
            return error_response(api, request, 404, "not_found", _("Not found."))
        if isinstance(exc, Forbidden):
            return error_response(api, request, 403, "forbidden", exc.message)
        return error_response(
            api,
            request,
            400,
            exc.code,
            exc.message,
            {k: [str(m) for m in v] for k, v in exc.field_errors.items()},
        )

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for item in exc.errors:
            fields.setdefault(_field_name(item.get("loc", ())), []).append(str(item.get("msg", "")))
        return error_response(api, request, 422, "invalid", _("The request is not valid."), fields)

    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, 401, "unauthorized", _("Log in or send a valid API token.")
        )

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found."))

    def on_403(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 403, "forbidden", _("You may not do this."))

    def on_http(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, exc.status_code, "error", str(exc))

    api.add_exception_handler(DomainError, on_domain)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_403)
    api.add_exception_handler(HttpError, on_http)
