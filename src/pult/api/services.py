"""API token writes."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pult.accounts.models import Membership, User, Workspace
from pult.api.models import ApiToken
from pult.core.exceptions import DomainError, NotFound

TOKEN_PREFIX = "pult_"  # noqa: S105 - a public marker, not a secret


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User, workspace: Workspace, name: str) -> tuple[ApiToken, str]:
    """Create a token acting as the actor in this workspace; the raw value is returned once."""
    name = name.strip()
    if not name:
        raise DomainError(
            _("Name the token, e.g. after the script that uses it."),
            field_errors={"name": [_("This field is required.")]},
        )
    if not Membership.objects.filter(workspace=workspace, user=actor, is_active=True).exists():
        raise NotFound(_("Workspace not found."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        workspace=workspace,
        name=name[:100],
        prefix=raw[:12],
        token_hash=token_hash(raw),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> None:
    """Revoke one of the actor's own tokens."""
    updated = ApiToken.objects.filter(pk=token_id, user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound(_("Token not found."))
