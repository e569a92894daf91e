"""Expected start of a queued item: its place in the queue at the desk's recent pace.

The pace is how many items of the type were started per working hour over the last
four weeks, on the workspace's business calendar; a new desk with no history assumes
one item per specialist per working day. Two small queries per page, whatever the
queue length, and a cached count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.utils import timezone

from pult.access.models import RolePermission
from pult.accounts.models import Membership
from pult.work.models import Item
from pult.work.permissions import TAKE

if TYPE_CHECKING:
    from pult.accounts.models import Workspace
    from pult.calendars.worktime import Schedule

WINDOW = timedelta(days=28)
PACE_TTL = 300


@dataclass(frozen=True)
class Pace:
    schedule: Schedule | None
    per_hour: float  # items started per working hour
    now: datetime

    def expected_start(self, ahead: int) -> datetime | None:
        """When the item after `ahead` others is likely to be taken."""
        if self.schedule is None or self.per_hour <= 0:
            return None
        from pult.calendars.worktime import add_working_time, next_working_moment

        hours = ahead / self.per_hour
        start = next_working_moment(self.schedule, self.now)
        return add_working_time(self.schedule, start, timedelta(hours=hours))


def _started_recently(workspace_id: int, item_type_id: int, now: datetime) -> int:
    """Items of the type started within the window: a count over tens of thousands of
    index entries at scale, for a four-week average that a few minutes do not move, so
    it is cached for PACE_TTL seconds."""
    key = f"pult:pace:{workspace_id}:{item_type_id}"
    started = cache.get(key)
    if started is None:
        started = Item.objects.filter(
            workspace=workspace_id, item_type_id=item_type_id, started_at__gte=now - WINDOW
        ).count()
        cache.set(key, started, PACE_TTL)
    return int(started)


def desk_pace(workspace: Workspace, item_type_id: int) -> Pace:
    from pult.calendars.selectors import default_calendar, schedule_for
    from pult.calendars.worktime import working_time_between

    now = timezone.now()
    calendar = default_calendar(workspace)
    if calendar is None:
        return Pace(schedule=None, per_hour=0.0, now=now)
    schedule = schedule_for(calendar)
    started = _started_recently(workspace.pk, item_type_id, now)
    hours = working_time_between(schedule, now - WINDOW, now).total_seconds() / 3600
    if started and hours:
        return Pace(schedule=schedule, per_hour=started / hours, now=now)
    specialists = (
        Membership.objects.filter(
            workspace=workspace,
            is_active=True,
            roles__in=RolePermission.objects.filter(code=TAKE).values("role_id"),
        )
        .values("user_id")
        .distinct()
        .count()
    )
    return Pace(schedule=schedule, per_hour=max(specialists, 1) / 8, now=now)
