"""Newsletters (P2): client segments, newsletters composed from a template, and one
delivery row per recipient address. E-mails go through the notifications outbox."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Segment(models.Model):
    """A group of clients chosen by filters (all optional): status, industry, source,
    manager_id, tags. Stored as data; matched by selectors.segment_clients."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="segment_ws_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Newsletter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    segment = models.ForeignKey(
        Segment, on_delete=models.PROTECT, related_name="newsletters", verbose_name=_("segment")
    )
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    rate_per_minute = models.PositiveIntegerField(_("e-mails per minute"), default=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        indexes = [models.Index(fields=["workspace", "-id"], name="newsletter_ws")]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One address of one contact in one newsletter: sent at most once (the outbox row's
    dedupe key is this row's id)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED_UNSUBSCRIBED = "skipped_unsubscribed", _("Skipped: unsubscribed")

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    contact = models.ForeignKey("parties.ContactPerson", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.QUEUED
    )
    outbound_email = models.ForeignKey(
        "notifications.OutboundEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "contact", "email"], name="delivery_once")
        ]
        indexes = [models.Index(fields=["newsletter", "status"], name="delivery_status")]

    def __str__(self) -> str:
        return f"{self.newsletter_id}:{self.email}"
