"""Response headers Django has no setting for."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def permissions_policy_header(policy: Mapping[str, Sequence[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` → `camera=(), fullscreen=(self)`
    (the structured-field syntax of the Permissions-Policy header)."""

    def allowlist(origins: Sequence[str]) -> str:
        if "*" in origins:
            return "*"
        tokens = [o if o in {"self", "src"} else f'"{o}"' for o in origins]
        return f"({' '.join(tokens)})"

    return ", ".join(f"{feature}={allowlist(origins)}" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    """Adds settings.PERMISSIONS_POLICY as a Permissions-Policy header to every
    response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header:
            response.setdefault("Permissions-Policy", self.header)
        return response
