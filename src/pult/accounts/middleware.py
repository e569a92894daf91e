"""Per-request user context: language, time zone and the current workspace."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from pult.accounts.models import User
from pult.accounts.selectors import memberships_of


class UserPreferencesMiddleware:
    """A language picked in the switcher (saved on the profile) wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            assert isinstance(user, User)
            if user.locale:
                translation.activate(user.locale)
                request.LANGUAGE_CODE = user.locale
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        response = self.get_response(request)
        timezone.deactivate()
        return response


class WorkspaceMiddleware:
    """Sets request.workspace and request.membership from the user's current workspace.

    One query loads all the user's memberships (the switcher lists them); when the
    saved workspace is no longer theirs, the first one they belong to becomes current.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.workspace = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            assert isinstance(user, User)
            memberships = memberships_of(user)
            current = next(
                (m for m in memberships if m.workspace_id == user.current_workspace_id), None
            )
            if current is None and memberships:
                current = memberships[0]
                User.objects.filter(pk=user.pk).update(current_workspace=current.workspace)
                user.current_workspace_id = current.workspace_id
            request.memberships = memberships  # type: ignore[attr-defined]
            if current is not None:
                request.membership = current  # type: ignore[attr-defined]
                request.workspace = current.workspace  # type: ignore[attr-defined]
        return self.get_response(request)
