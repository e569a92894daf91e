"""Work's source of the personal agenda (`pult.calendars.agenda`): the open items due in
the range that the actor works on or manages. Registered in `WorkConfig.ready()`."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pult.accounts.models import User, Workspace
from pult.calendars.agenda import Entry, register_agenda_source, start_of
from pult.work.models import Item, StatusCategory
from pult.work.selectors import item_visible_to


def due_items(actor: User, workspace: Workspace, since: date, until: date) -> list[Entry]:
    """One query: mine (I work on it or manage it), open, due in the range, and always
    through the visibility selector."""
    start, end = start_of(since), start_of(until + timedelta(days=1))
    mine = Item.objects.filter(workspace=workspace).filter(Q(assignees=actor) | Q(manager=actor))
    items = (
        item_visible_to(actor, workspace)
        .filter(pk__in=mine.values("pk"), due_at__gte=start, due_at__lt=end)
        .exclude(category=StatusCategory.CLOSED)
        .select_related("item_type")
    )
    entries = []
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
    return entries


def register() -> None:
    register_agenda_source("work.due_items", due_items)
