"""The personal agenda: one user's reminders, the work items due that they work on or
manage, and the contracts expiring of the clients they manage. Read by the agenda page
and the iCalendar feed; three queries (plus the cached permission read) whatever the
size of the range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pult.access.policies import has_permission
from pult.accounts.models import Membership, User, Workspace
from pult.calendars.models import CalendarFeed, Reminder

# The code of the clients app; a string so the calendar does not import its catalogue.
VIEW_CLIENTS = "parties.view_clients"


@dataclass(frozen=True)
class Entry:
    kind: str  # "reminder", "item" or "contract"
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


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def agenda_entries(*, actor: User, workspace: Workspace, since: date, until: date) -> list[Entry]:
    """Everything on the actor's agenda from `since` to `until` (both included, days in
    the current time zone), in time order; others' reminders never appear."""
    from pult.work.models import Item, StatusCategory
    from pult.work.selectors import item_visible_to

    start, end = _start_of(since), _start_of(until + timedelta(days=1))
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
    # Mine = I work on it or manage it; and always through the visibility selector.
    mine = Item.objects.filter(workspace=workspace).filter(Q(assignees=actor) | Q(manager=actor))
    items = (
        item_visible_to(actor, workspace)
        .filter(pk__in=mine.values("pk"), due_at__gte=start, due_at__lt=end)
        .exclude(category=StatusCategory.CLOSED)
        .select_related("item_type")
    )
    for item in items:
        assert item.due_at is not None
        entries.append(
            Entry(
                kind="item",
                uid=f"item-{item.pk}",
                title=str(item),
                url=reverse("work:item_detail", args=[item.pk]),
                at=item.due_at,
                day=timezone.localtime(item.due_at).date(),
            )
        )
    if has_permission(actor, workspace, VIEW_CLIENTS):
        from pult.parties.models import Contract

        contracts = Contract.objects.filter(
            workspace=workspace, client__manager=actor, valid_until__range=(since, until)
        ).select_related("client")
        for contract in contracts:
            assert contract.valid_until is not None
            entries.append(
                Entry(
                    kind="contract",
                    uid=f"contract-{contract.pk}",
                    title=f"{contract.number} · {contract.client.name}",
                    url="",
                    at=None,
                    day=contract.valid_until,
                )
            )
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
