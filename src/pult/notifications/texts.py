"""What a notification says, made when it is read: the wording of the rule that sent
it, if the rule has one, else the event's own sentence (activity.describe)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pult.activity.describe import describe_event, event_values, in_reader_language

if TYPE_CHECKING:
    from pult.accounts.models import User
    from pult.notifications.models import Notification

# {actor}, {target} or a field key; nothing else is looked up (no attributes, no
# indexes: the wording is data an administrator types).
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def notification_text(
    notification: Notification, viewer: User | None, *, quote: bool = True
) -> str:
    """The notification for its reader; a placeholder the event cannot fill for this
    reader (a field they may not see) reads as a dash."""
    wording = str(in_reader_language(notification.message) or "") if notification.message else ""
    if not wording:
        return describe_event(notification.event, viewer, quote=quote)
    values = event_values(notification.event, viewer)
    return _PLACEHOLDER.sub(lambda found: str(values.get(found.group(1)) or "—"), wording)
