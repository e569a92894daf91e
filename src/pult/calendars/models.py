"""Business calendars: weekly working hours with breaks, and dated exceptions
(holidays, transferred working days, shortened pre-holiday days). SLA clocks count
working time on them through `worktime`; these rows are only its data."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from pult.core.models import WorkspaceScopedModel

DEFAULT_TIME_ZONE = "Europe/Moscow"
NOTE_MAX_LENGTH = 300
TEXT_MAX_LENGTH = 300


class Calendar(WorkspaceScopedModel):
    name = models.CharField(_("name"), max_length=200)
    # An IANA name, validated against zoneinfo in the service rather than as choices:
    # the list changes with tzdata and would churn migrations.
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="calendar_name_unique"),
            # SLA rules without a calendar of their own use this one, so there is one.
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(is_default=True),
                name="calendar_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkingPeriod(WorkspaceScopedModel):
    """One stretch of work on a weekday; several a day make breaks and split shifts."""

    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="periods", verbose_name=_("calendar")
    )
    # 0 is Monday, as in date.weekday().
    weekday = models.PositiveSmallIntegerField(_("day of the week"))
    start = models.TimeField(_("from"))
    # 00:00 as the end means midnight at the end of the day (round-the-clock desks).
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="period_weekday"),
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")) | models.Q(end=time(0)),
                name="period_start_before_end",
            ),
        ]
        indexes = [
            # schedule_for reads a calendar's week in one go.
            models.Index(fields=["workspace", "calendar", "weekday", "start"], name="period_week")
        ]

    def __str__(self) -> str:
        return f"{self.weekday}: {self.start:%H:%M}-{self.end:%H:%M}"


class CalendarException(WorkspaceScopedModel):
    """A date that differs from the weekly hours."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Day off")
        # E.g. Saturday 2025-11-01 in Russia, worked in exchange for Monday 2025-11-03.
        WORKING_DAY = "working_day", _("Working day")
        SHORT_DAY = "short_day", _("Shortened day")

    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("calendar")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # [["09:00", "13:00"], ["14:00", "17:00"]] for working and short days, [] for a day
    # off; "24:00" ends a period at midnight. Validated by the services.
    periods = models.JSONField(_("working hours"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]
        constraints = [
            # Led by workspace, as a distributed (Citus) unique key must be.
            models.UniqueConstraint(
                fields=["workspace", "calendar", "date"], name="calendar_exception_date"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "working_day", "short_day"]),
                name="calendar_exception_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.kind}"

    @property
    def shown_note(self) -> str:
        """The note as typed, or (for a day the production calendar brought, stored
        without one) what its kind means, in the reader's language."""
        return self.note or str(DEFAULT_NOTES.get(self.kind, ""))


class Reminder(WorkspaceScopedModel):
    """A note such as "call the client" at a date-time: shown on its user's agenda
    and, at `at`, put in their inbox and e-mail by `reminder_fire_task`. Written only by
    `calendars.reminders`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("whom to remind"),
    )
    at = models.DateTimeField(_("when"))
    text = models.CharField(_("text"), max_length=TEXT_MAX_LENGTH)
    # A reminder Pult writes itself ("Call the client: …") in both languages,
    # {"en": …, "ru": …}, shown in the reader's; empty for what a person typed.
    words = models.JSONField(default=dict, blank=True)
    # What the reminder is about (a client, an order); optional and loosely coupled, so
    # the calendar does not import the apps it points at.
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    # Set once by the timed task; a second run of the task sees it and does nothing.
    fired_at = models.DateTimeField(null=True, blank=True)
    # Cancelled rows are kept: the event of a fired reminder still points at them.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["at", "pk"]
        indexes = [
            # The agenda and the feed read one user's reminders in a date range.
            models.Index(fields=["workspace", "user", "at"], name="reminder_user_at"),
            # reminder_for_next_contact finds the open reminder of a client.
            models.Index(
                fields=["workspace", "target_type", "target_id"],
                name="reminder_open_target",
                condition=models.Q(done_at__isnull=True, cancelled_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def shown_text(self) -> str:
        from pult.activity.describe import in_reader_language

        return str(in_reader_language(self.words) or self.text) if self.words else self.text

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None


class CalendarFeed(WorkspaceScopedModel):
    """A user's secret iCalendar address; only the sha256 of its token is stored, so
    the address is shown once, when it is made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="calendar_feed_one_per_user")
        ]

    def __str__(self) -> str:
        return f"feed {self.user_id}"


# What a day of each kind means, for the days the production calendar brings.
DEFAULT_NOTES: dict[str, object] = {
    CalendarException.Kind.HOLIDAY: _("Public holiday or day off"),
    CalendarException.Kind.WORKING_DAY: _("Working day in exchange for a day off"),
    CalendarException.Kind.SHORT_DAY: _("Day before a public holiday"),
}
