"""Notification rules (data), the in-app inbox, per-user preferences and the e-mail
outbox. Rows are written in the same transaction as the change that caused them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationRule(models.Model):
    """On event `verb` (if `condition` holds), notify these users, roles, departments,
    the participants, the item's manager and/or the people named in user fields.

    `condition` is data, never code; its keys (all optional, all must hold):
    `fields_any` — a `work.fields_changed` event changed one of these field keys;
    `stage` — a `work.stage_signed` event of this stage key;
    `to_status` — a `work.status_changed` event into this status key;
    `days_before` — a `work.validity_expiring` event made this many days ahead (30).
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(_("event"), max_length=80)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("users")
    )
    roles = models.ManyToManyField(
        "access.Role", blank=True, related_name="+", verbose_name=_("roles")
    )
    departments = models.ManyToManyField(
        "accounts.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    participants = models.BooleanField(_("the object's participants"), default=False)
    item_manager = models.BooleanField(_("the item's manager"), default=False)
    # Keys of "person" fields of the item (e.g. "expert"): the user each one names.
    field_users = models.JSONField(_("people named in fields"), default=list, blank=True)
    condition = models.JSONField(_("condition"), default=dict, blank=True)
    # The rule's own wording in both languages, {"en": …, "ru": …}, with placeholders:
    # {actor}, {target} and the key of any field the event changed ("Payment received:
    # {payment_amount} for {target}"). Empty: the event's own sentence.
    message = models.JSONField(_("message"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification rule")
        verbose_name_plural = _("notification rules")
        indexes = [models.Index(fields=["workspace", "verb"], name="rule_ws_verb")]

    def __str__(self) -> str:
        return self.verb


class Notification(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey("activity.Event", on_delete=models.CASCADE, related_name="+")
    in_app = models.BooleanField(default=True)
    # The wording of the rule that sent it, if the rule has one (rendered when read).
    message = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # One event reaches a person once, however many rules name them.
            models.UniqueConstraint(fields=["event", "recipient"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["workspace", "recipient", "-id"], name="inbox"),
            models.Index(
                fields=["workspace", "recipient"],
                name="inbox_unread",
                condition=models.Q(read_at__isnull=True, in_app=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}:{self.event_id}"


class EventDispatch(models.Model):
    """The notification outbox of one event: written in the event's transaction, stamped
    `notified_at` once its rules have been applied (by the task queued after commit, or
    by the worker's sweep if that task was lost). An event without a row notifies nobody:
    rule changes and history written after the fact."""

    event = models.OneToOneField(
        "activity.Event", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification dispatch")
        verbose_name_plural = _("notification dispatches")
        indexes = [
            # The sweep reads the pending few, oldest first.
            models.Index(
                fields=["created_at"],
                name="dispatch_pending",
                condition=models.Q(notified_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}"


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")


class NotificationPreference(models.Model):
    """A user's choice of channels for one kind of event; absent means both channels."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(max_length=80)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "verb"], name="notification_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.verb}"


class OutboundEmail(models.Model):
    """The durable e-mail outbox: a row per message, delivered by a task with retries."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    workspace = models.ForeignKey(
        "accounts.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Makes enqueueing idempotent: e.g. "notification:42" is written once, sent once.
    dedupe_key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Extra message headers, e.g. a newsletter's List-Unsubscribe (RFC 2369 / 8058).
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
