"""Idempotency-Key for API writes: a retried POST/PUT/PATCH/DELETE is answered from
the first call's stored response, so a client retry never duplicates a write.

The key row is inserted before the write runs (unique per caller and key): a
concurrent duplicate is refused with 409 instead of racing the first call.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from pult.api.models import IdempotentRequest

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
KEEP_FOR = timedelta(hours=24)


def _scope(request: HttpRequest, key: str) -> str | None:
    credential = request.headers.get("Authorization") or request.COOKIES.get("sessionid")
    if not credential:
        return None
    return hashlib.sha256(f"{credential}\x00{key}".encode()).hexdigest()


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": "idempotency", "message": message, "fields": {}}}, status=status
    )


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or request.method not in WRITE_METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        if len(key) > 200:
            return _error(400, _("The Idempotency-Key is too long (at most 200 characters)."))
        scope = _scope(request, key)
        if scope is None:
            return self.get_response(request)
        IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    scope=scope, method=request.method or "", path=request.path[:300]
                )
        except IntegrityError:
            previous = IdempotentRequest.objects.filter(scope=scope).first()
            if previous is None or previous.status is None:
                return _error(409, _("A request with this Idempotency-Key is still running."))
            if (previous.method, previous.path) != (request.method, request.path[:300]):
                return _error(422, _("This Idempotency-Key was used for another request."))
            replay = HttpResponse(
                bytes(previous.body),
                status=previous.status,
                content_type=previous.content_type or None,
            )
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = self.get_response(request)
        if response.status_code >= 500 or response.streaming:
            record.delete()  # let the client retry a failure for real
        else:
            record.status = response.status_code
            record.content_type = response.get("Content-Type", "")
            record.body = response.content
            record.save(update_fields=["status", "content_type", "body"])
        return response
