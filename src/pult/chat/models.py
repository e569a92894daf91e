"""Chat inside a work item: messages (plain text, escaped when rendered) and read marks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(
        "work.Item", on_delete=models.CASCADE, related_name="messages", verbose_name=_("work item")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    # Plain text as typed; never HTML. Templates escape it (and link URLs) at render time.
    # Empty only when the message carries files (services.message_post enforces it).
    body = models.TextField(_("message"), blank=True)
    # Internal notes are for staff only (see policies.can_see_internal_notes).
    internal = models.BooleanField(_("internal note"), default=False)
    # A step's comment kept in the conversation (a clarification question, a reason for
    # revision): the step's name in both languages, {"en": …, "ru": …}; empty otherwise.
    step = models.JSONField(_("step"), default=dict, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Files shared in the conversation (at most MAX_FILES, see services.message_post).
    # They are source files of the item, shown in its Files panel, but only to those who
    # may read the message (selectors.message_file_audience); notes carry none.
    attachments = models.ManyToManyField(
        "documents.Attachment", blank=True, related_name="messages", verbose_name=_("files")
    )

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        indexes = [
            # One item's conversation in order, keyset-paged on (created_at, id). Led by
            # workspace like every composite index here (ARCHITECTURE: distributable by
            # workspace_id); every query pins the workspace, so it costs nothing.
            models.Index(
                fields=["workspace", "item", "created_at", "id"], name="message_item_time"
            ),
        ]

    def __str__(self) -> str:
        # The activity feed shows this as the event's target: the item, never the text.
        return str(self.item)

    @property
    def sort_key(self) -> tuple[object, int]:
        return (self.created_at, self.pk)


class MessageRead(models.Model):
    """How far a person has read an item's chat: the newest message they have seen."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey("work.Item", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_read_at = models.DateTimeField(_("read"), default=timezone.now)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="message_read_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.item_id} up to {self.last_read_message_id}"


class MessageSees(models.TextChoices):
    ALL = "all", _("all messages")
    OWN = "own", _("own messages only")
    OWN_AND_ROLES = "own_and_roles", _("own messages and those of the chosen roles")


class MessageVisibilityRule(models.Model):
    """Whose messages a role sees in the chats of one kind of item ("the manager sees own
    and the expert's; the expert sees only own"). A kind of item with no rules shows every
    message to everyone who sees the item; with rules, a viewer holding none of the ruled
    roles sees only their own. Evaluated in `selectors.message_visible_to`."""

    item_type = models.ForeignKey(
        "work.ItemType",
        on_delete=models.CASCADE,
        related_name="message_visibility_rules",
        verbose_name=_("kind of item"),
    )
    viewer_role = models.ForeignKey(
        "access.Role", on_delete=models.CASCADE, related_name="+", verbose_name=_("viewer role")
    )
    sees = models.CharField(_("sees"), max_length=20, choices=MessageSees.choices)
    # Only for OWN_AND_ROLES: messages by holders of any of these roles are shown too.
    author_roles = models.ManyToManyField(
        "access.Role", blank=True, related_name="+", verbose_name=_("author roles")
    )

    class Meta:
        verbose_name = _("message visibility rule")
        verbose_name_plural = _("message visibility rules")
        constraints = [
            models.UniqueConstraint(
                fields=["item_type", "viewer_role"], name="message_visibility_rule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_type_id}/{self.viewer_role_id}: {self.sees}"
