"""Event kinds of the chat and who sees them in the feed and in notifications.

Events point at the Message, not the item: the feed shows them only to those who see
the message (`message_visible_to`, so internal notes stay with staff), and they never
enter the item's own timeline, which lists events of the item itself.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pult.activity.registry import Verb, register_verbs, register_visibility
from pult.chat import policies
from pult.chat.models import Message, MessageVisibilityRule
from pult.chat.selectors import message_readable_by, message_visible_to
from pult.notifications.registry import register_participants
from pult.work.permissions import VIEW_ALL

MESSAGE_POSTED = "chat.message_posted"
INTERNAL_NOTE_POSTED = "chat.internal_note_posted"

register_verbs(
    Verb(MESSAGE_POSTED, _("%(actor)s wrote in the chat of %(target)s"), _("Chat message")),
    # A kind of its own so that, besides the target check, the feed hides it from anyone
    # without the staff permission, and notification rules can treat it apart.
    Verb(
        INTERNAL_NOTE_POSTED,
        _("%(actor)s left an internal note in %(target)s"),
        _("Internal note"),
        requires=VIEW_ALL,
    ),
)
register_visibility(Message, message_visible_to)


def _participants(message: Message) -> list[int]:
    """The item's requester, assignees and watchers; for an internal note, only those of
    them who may read internal notes."""
    item = message.item
    ids = {item.requester_id}
    ids.update(item.assignees.values_list("pk", flat=True))
    ids.update(item.watchers.values_list("pk", flat=True))
    if message.internal:
        ids = policies.internal_note_reader_ids(message.workspace, ids)
    # The item type's visibility rules (an expert sees only own comments): nobody is told
    # of a message they cannot read. One query per participant, only for ruled types.
    if MessageVisibilityRule.objects.filter(item_type_id=item.item_type_id).exists():
        ids = {i for i in ids if message_readable_by(message, i)}
    return sorted(ids)


register_participants(Message, _participants)  # type: ignore[arg-type]
