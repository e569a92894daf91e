"""API token reads."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F
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
    """The user and membership a live token acts as, or None.

    One query, as every API call makes it: the active membership of an active user
    joined to their live token for that membership's workspace."""
    token = {
        "user__api_tokens__token_hash": token_hash(raw),
        "user__api_tokens__revoked_at__isnull": True,
        "user__api_tokens__workspace": F("workspace"),
    }
    membership = (
        Membership.objects.select_related("user", "workspace")
        .filter(is_active=True, user__is_active=True, **token)  # one filter(): one join
        .annotate(
            token_id=F("user__api_tokens__id"), token_used_at=F("user__api_tokens__last_used_at")
        )
        .first()
    )
    if membership is None:
        return None
    now = timezone.now()
    used_at = membership.token_used_at
    # Touch at most once a minute: a busy script should not write on every call.
    if used_at is None or now - used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=membership.token_id).update(last_used_at=now)
    return membership.user, membership
