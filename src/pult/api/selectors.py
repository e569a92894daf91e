"""API token reads."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from pult.accounts.models import Membership, User
from pult.api.models import ApiToken
from pult.api.services import token_hash


def api_token_list(*, actor: User) -> list[ApiToken]:
    return list(
        ApiToken.objects.filter(user=actor, revoked_at__isnull=True)
        .select_related("workspace")
        .order_by("-created_at")
    )


def api_token_authenticate(raw: str) -> tuple[User, Membership] | None:
    """The user and membership a live token acts as, or None."""
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=token.user, workspace=token.workspace, is_active=True)
        .first()
    )
    if membership is None:
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy script should not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, membership
