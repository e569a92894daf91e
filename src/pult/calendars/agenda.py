"""The personal agenda: one user's reminders and whatever the apps above put on it (the
work items due that they work on or manage, the contracts expiring of the clients they
manage). Read by the agenda page and the iCalendar feed.

The calendar knows no app above it: each app registers an agenda source in its
`AppConfig.ready()` (`register_agenda_source`), a function that returns the actor's
entries of a range, only what the actor may see, in a fixed number of queries (one), so
the agenda costs the same whatever the size of the range."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from pult.accounts.models import Membership, User, Workspace
from pult.calendars.models import CalendarFeed, Reminder


@dataclass(frozen=True)
class Entry:
    kind: str  # "reminder", or the kind its source gives: "item", "contract" …
    uid: str
    title: str
    url: str
    # Timed entries have `at`; a contract expiry is a whole day.
    at: datetime | None
    day: date
    reminder: Reminder | None = None

    @property
    def done(self) -> bool:
        return self.reminder is not None and self.reminder.done_at is not None


# (actor, workspace, since, until) -> the actor's entries from `since` to `until`, both
# days included in the current time zone (`start_of` turns a day into its first moment).
AgendaSource = Callable[[User, Workspace, date, date], Iterable[Entry]]

_SOURCES: dict[str, AgendaSource] = {}


def register_agenda_source(key: str, source: AgendaSource) -> None:
    """Add (or replace, by key) a source of agenda entries."""
    _SOURCES[key] = source


def agenda_sources() -> dict[str, AgendaSource]:
    return dict(_SOURCES)


def start_of(day: date) -> datetime:
    """The first moment of a day in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def agenda_entries(*, actor: User, workspace: Workspace, since: date, until: date) -> list[Entry]:
    """Everything on the actor's agenda from `since` to `until` (both included, days in
    the current time zone), in time order; others' reminders never appear."""
    start, end = start_of(since), start_of(until + timedelta(days=1))
    entries: list[Entry] = []
    # Index reminder_user_at.
    for reminder in Reminder.objects.filter(
        workspace=workspace, user=actor, cancelled_at__isnull=True, at__gte=start, at__lt=end
    ):
        entries.append(
            Entry(
                kind="reminder",
                uid=f"reminder-{reminder.pk}",
                title=reminder.shown_text,
                url=reminder.url,
                at=reminder.at,
                day=timezone.localtime(reminder.at).date(),
                reminder=reminder,
            )
        )
    for _key, source in sorted(_SOURCES.items()):
        entries.extend(source(actor, workspace, since, until))
    entries.sort(key=lambda e: (e.day, e.at is not None, e.at or start, e.uid))
    return entries


def feed_owner(raw_token: str) -> tuple[User, Workspace] | None:
    """Whose feed a secret token opens; None for an unknown token or a former member."""
    from pult.calendars.reminders import feed_token_hash

    feed = (
        CalendarFeed.objects.select_related("user", "workspace")
        .filter(token_hash=feed_token_hash(raw_token))
        .first()
    )
    if feed is None:
        return None
    active = Membership.objects.filter(
        workspace_id=feed.workspace_id, user_id=feed.user_id, is_active=True, user__is_active=True
    ).exists()
    return (feed.user, feed.workspace) if active else None


def has_feed(*, actor: User, workspace: Workspace) -> bool:
    return CalendarFeed.objects.filter(workspace=workspace, user=actor).exists()
