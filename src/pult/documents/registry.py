"""Who else narrows the audience of an item's files: apps that share files in a context
of their own register a rule here (the chat: a file sent with a message is seen by whoever
sees that message, and only by them). Filled in the apps' `ready()`; read by
`selectors.attachment_visible_to`, the one rule every path uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

# (actor, workspace) -> a condition on Attachment rows the actor may see.
AttachmentAudience = Callable[["User", "Workspace"], Q]

_audiences: dict[str, AttachmentAudience] = {}


def register_attachment_audience(key: str, audience: AttachmentAudience) -> None:
    _audiences[key] = audience


def attachment_audiences() -> dict[str, AttachmentAudience]:
    return dict(_audiences)
