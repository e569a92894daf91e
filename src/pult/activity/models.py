"""Events: every change, with actor and time. They feed timelines, the global feed,
the audit log and notifications."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    verb = models.CharField(_("what"), max_length=80)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.BigIntegerField(null=True, blank=True)
    # A snapshot of the target's name: the timeline stays readable after a rename or delete.
    target_label = models.CharField(max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            # Global feed: newest first within a workspace, keyset on id.
            models.Index(fields=["workspace", "-id"], name="event_ws_feed"),
            # Object timeline.
            models.Index(fields=["target_type", "target_id", "-id"], name="event_target"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_label}"
