"""The statistics rollup: kept in step by the work services, exact, race-free."""

from __future__ import annotations

import contextlib
import io
import threading
import time
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pult.core.exceptions import DomainError
from pult.desk import services as desk_services
from pult.reports import fast, live, rollup, selectors
from pult.reports.figures import Period, StatsFilters
from pult.reports.models import StatsCell, StatsReady
from pult.work import services
from pult.work.models import Item, ItemType
from tests.reports.conftest import History, grant_statistics
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _cells(desk: Desk) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """The rollup as sums per key, zero rows left out."""
    out = {}
    for c in StatsCell.objects.filter(workspace=desk.workspace):
        values = tuple(getattr(c, name) for name in rollup.COUNTERS)
        if any(values):
            out[(c.item_type_id, c.kind, c.day, c.ka, c.kb, c.lead)] = values
    return out


def _assert_matches_a_rebuild(desk: Desk) -> None:
    kept = _cells(desk)
    rollup.rebuild(desk.workspace)
    assert kept == _cells(desk)


def _filters(desk: Desk) -> StatsFilters:
    today = timezone.localdate()
    item_type = ItemType.objects.get(workspace=desk.workspace, key="design-request")
    return StatsFilters(item_type=item_type, period=Period(today - timedelta(days=30), today))


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                *("submit", "submit_other", "take", "assign", "clarify", "answer"),
                *("complete", "revise", "accept", "dates", "no_dates"),
                *("wait", "wait", "finish"),  # lead times of many buckets, not round
            ]
        ),
        st.integers(min_value=0, max_value=20),
    ),
    min_size=1,
    max_size=20,
)


def _act(desk: Desk, action: str, pick: int, clock: Any) -> None:
    if action == "wait":  # 7 min … 30 h 47 min later
        clock.tick(timedelta(minutes=7 + 92 * pick))
        return
    items = list(Item.objects.filter(workspace=desk.workspace).order_by("pk"))
    item = items[pick % len(items)] if items else None
    head, designer = desk.head, desk.designer
    if action == "submit":
        desk.submit(title=f"Request {pick}")
    elif action == "submit_other":
        desk.submit(applicant=desk.stranger, title=f"Other {pick}")
    elif item is None:
        return
    elif action == "take":
        desk_services.work_item_take_next(
            actor=designer, workspace=desk.workspace, item_type_key="design-request"
        )
    elif action == "finish":  # take the next one and complete it at once
        taken = desk_services.work_item_take_next(
            actor=designer, workspace=desk.workspace, item_type_key="design-request"
        )
        desk.deliver(taken)
        desk.step(designer, taken, "complete")
    elif action == "assign":
        who = desk.designer2 if pick % 2 else designer
        services.work_item_assign(
            actor=head, workspace=desk.workspace, item_id=item.pk, assignee=who
        )
    elif action in ("dates", "no_dates"):
        due = timezone.now() + timedelta(hours=pick - 10) if action == "dates" else None
        services.work_item_set_dates(
            actor=head,
            workspace=desk.workspace,
            item_id=item.pk,
            start_at=None,
            due_at=due,
            reason="test",
        )
    else:
        key, actor = {
            "clarify": ("ask_clarification", designer),
            "answer": ("answer", item.requester),
            "complete": ("complete", designer),
            "revise": ("return_for_revision", item.requester),
            "accept": ("accept", item.requester),
        }[action]
        if key == "complete" and item.status.key in ("in_progress", "revision"):
            desk.deliver(item)
        desk.step(actor, item, key, comment="because")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_any_sequence_of_service_calls_keeps_the_rollup_exact(
    desk: Desk, actions: list[Any]
) -> None:
    savepoint = transaction.savepoint()
    try:
        grant_statistics(desk)
        rollup.rebuild(desk.workspace)  # ready from the start: the hooks keep it
        # Load the URLconf (with its API schemas) before the clock is frozen: pydantic
        # cannot build a schema while datetime is freezegun's fake class.
        reverse("reports:statistics")
        with freeze_time(timezone.now()) as clock:
            for action, pick in actions:
                with contextlib.suppress(DomainError):
                    _act(desk, action, pick, clock)
            filed = Item.objects.filter(workspace=desk.workspace).exists()
            assert StatsCell.objects.filter(workspace=desk.workspace).exists() == filed
            _assert_matches_a_rebuild(desk)
            # …and the page's figures from it (the medians too) are the live ones.
            filters, now = _filters(desk), timezone.now()
            scope: dict[str, Any] = {"actor": desk.head, "workspace": desk.workspace}
            rolled = fast.statistics(**scope, filters=filters, now=now)
            assert rolled is not None
            StatsReady.objects.filter(workspace=desk.workspace).delete()
            assert rolled == selectors.statistics_get(**scope, filters=filters, now=now)
    finally:
        transaction.savepoint_rollback(savepoint)


def test_deleted_items_leave_the_rollup(history: History) -> None:
    desk = history.desk
    rollup.rebuild(desk.workspace)
    Item.objects.filter(pk__in=[history.items["A"].pk, history.items["D"].pk]).delete()
    history.items["F"].delete()
    _assert_matches_a_rebuild(desk)


def test_without_a_rebuild_the_hooks_write_nothing(desk: Desk) -> None:
    desk.submit(title="Before any rebuild")
    assert not StatsCell.objects.exists()


def test_a_filed_item_is_counted_at_once(desk: Desk) -> None:
    grant_statistics(desk)
    rollup.rebuild(desk.workspace)
    filters = _filters(desk)
    before = selectors.statistics_get(actor=desk.head, workspace=desk.workspace, filters=filters)
    desk.submit(title="New")
    after = selectors.statistics_get(actor=desk.head, workspace=desk.workspace, filters=filters)
    assert after.summary.filed == before.summary.filed + 1
    assert after.summary.open_now == before.summary.open_now + 1


def test_the_fast_path_is_taken_only_when_it_applies(history: History) -> None:
    desk = history.desk
    period = Period(date(2025, 1, 6), date(2025, 2, 2))
    filters = StatsFilters(item_type=history.items["A"].item_type, period=period)
    now = timezone.now()
    rollup.rebuild(desk.workspace)
    head: dict[str, Any] = {
        "actor": desk.head,
        "workspace": desk.workspace,
        "filters": filters,
        "now": now,
    }
    assert fast.statistics(**head) is not None
    # Someone who sees only their own items: live.
    mine = {**head, "actor": desk.applicant}
    assert fast.statistics(**mine) is None
    # A reader whose midnights differ from the rollup's (Moscow): live.
    with timezone.override(ZoneInfo("Asia/Yekaterinburg")):
        assert fast.statistics(**head) is None
    # Without a rollup: live.
    StatsReady.objects.all().delete()
    assert fast.statistics(**head) is None


@pytest.mark.django_db(transaction=True)
def test_two_transitions_at_once_lose_no_count(desk: Desk) -> None:
    """Two designers close two items in the same cells at the same moment: the second
    upsert waits for the first's row lock and adds to its committed count."""
    assert connection.vendor == "postgresql"
    first, second = desk.submit(title="First"), desk.submit(title="Second")
    for designer in (desk.designer, desk.designer2):
        desk_services.work_item_take_next(
            actor=designer, workspace=desk.workspace, item_type_key="design-request"
        )
    owner = {}
    for item in Item.objects.filter(pk__in=(first.pk, second.pk)).prefetch_related("assignees"):
        owner[item.pk] = item.assignees.get()
        desk.deliver(item, actor=owner[item.pk])
    rollup.rebuild(desk.workspace)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def complete(designer: Any, item: Item) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                services.work_item_transition(
                    actor=designer,
                    workspace=desk.workspace,
                    item_id=item.pk,
                    transition_key="complete",
                )
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=complete, args=(owner[i.pk], i)) for i in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert Item.objects.filter(category="closed").count() == 2
    done = sum(c.done for c in StatsCell.objects.filter(workspace=desk.workspace, kind="o"))
    assert done == 2
    _assert_matches_a_rebuild(desk)


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_while_a_request_is_filed_deadlocks_neither(desk: Desk) -> None:
    """Filing locks the item type (to number the item), then writes the item. A rebuild
    that took the item table first and then checked its rows' keys against that type
    waited for the filing while the filing waited for it: PostgreSQL aborted one."""
    assert connection.vendor == "postgresql"
    desk.submit(title="Before")
    rollup.rebuild(desk.workspace)
    type_locked = threading.Event()
    errors: list[BaseException] = []

    def file_slowly() -> None:
        try:
            with transaction.atomic():
                ItemType.objects.select_for_update().get(
                    workspace=desk.workspace, key="design-request"
                )
                type_locked.set()
                time.sleep(0.5)  # the rebuild starts meanwhile
                desk.submit(title="During")
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=file_slowly)
    thread.start()
    assert type_locked.wait(timeout=10)
    rollup.rebuild(desk.workspace)
    thread.join(timeout=30)
    assert not errors, errors
    filed = sum(c.filed for c in StatsCell.objects.filter(workspace=desk.workspace, kind="o"))
    assert filed == Item.objects.filter(workspace=desk.workspace).count() == 2
    _assert_matches_a_rebuild(desk)


def _take(desk: Desk, designer: Any) -> Item:
    return desk_services.work_item_take_next(
        actor=designer, workspace=desk.workspace, item_type_key="design-request"
    )


def _complete(desk: Desk, designer: Any, item: Item) -> None:
    desk.deliver(item, actor=designer)
    desk.step(designer, item, "complete")


def _leads(desk: Desk, kind: str) -> dict[int, list[int]]:
    """The histogram rows of a kind: per `ka`, the lead of each item counted."""
    out: dict[int, list[int]] = {}
    for c in StatsCell.objects.filter(workspace=desk.workspace, kind=kind).order_by("lead"):
        out.setdefault(c.ka, []).extend([c.lead] * c.done)
    return {ka: leads for ka, leads in out.items() if leads}


def test_lead_time_histograms_follow_closing_reopening_reassigning_and_deleting(
    desk: Desk,
) -> None:
    grant_statistics(desk)
    reverse("reports:statistics")  # the API schemas, before the clock is frozen
    with freeze_time("2025-03-03 07:00:00+00:00") as clock:
        rollup.rebuild(desk.workspace)
        first, second = desk.submit(title="First"), desk.submit(title="Second")
        _take(desk, desk.designer)
        clock.tick(timedelta(hours=10, minutes=7))
        _complete(desk, desk.designer, first)  # 10 h 7 min: 10.1 h
        _assert_matches_a_rebuild(desk)
        _take(desk, desk.designer2)
        clock.tick(timedelta(days=3, hours=5) - timedelta(hours=10, minutes=7))
        _complete(desk, desk.designer2, second)  # 3 days 5 h: 3.2 days
        _assert_matches_a_rebuild(desk)
        assert _leads(desk, "h") == {0: [101 * 360, 32 * 8640]}
        assert _leads(desk, "p") == {desk.designer.pk: [101 * 360], desk.designer2.pk: [32 * 8640]}

        desk.step(desk.applicant, first, "return_for_revision", comment="Bigger logo")
        _assert_matches_a_rebuild(desk)
        assert _leads(desk, "h") == {0: [32 * 8640]}  # reopened: not done any more
        clock.tick(timedelta(hours=1, minutes=31))
        # Reassigned while in revision (a completed request takes no changes).
        services.work_item_assign(
            actor=desk.head, workspace=desk.workspace, item_id=first.pk, assignee=desk.designer2
        )
        _assert_matches_a_rebuild(desk)
        _complete(desk, desk.designer2, first)  # 3 days 6 h 31 min: 3.3 days
        _assert_matches_a_rebuild(desk)
        assert _leads(desk, "p") == {desk.designer2.pk: [32 * 8640, 33 * 8640]}
        desk.step(desk.applicant, second, "accept")
        _assert_matches_a_rebuild(desk)

        filters = _filters(desk)
        scope: dict[str, Any] = {"actor": desk.head, "workspace": desk.workspace}
        rolled = fast.statistics(**scope, filters=filters, now=timezone.now())
        assert rolled is not None
        assert rolled.summary.median_lead == timedelta(days=3.25)  # between 3.2 and 3.3
        (row,) = rolled.specialists
        assert (row.user_id, row.median_lead) == (desk.designer2.pk, timedelta(days=3.25))

        Item.objects.filter(pk=second.pk).delete()
        _assert_matches_a_rebuild(desk)
        assert _leads(desk, "h") == {0: [33 * 8640]}
        assert _leads(desk, "p") == {desk.designer2.pk: [33 * 8640]}


def test_fast_and_live_medians_agree_on_lead_times_that_are_not_round(desk: Desk) -> None:
    """Lead times between the page's figures: both paths take their representatives."""
    grant_statistics(desk)
    leads = {
        desk.designer: [
            timedelta(hours=10, minutes=7),  # 10.1 h
            timedelta(days=3, hours=5),  # 3.2 days = 76.8 h
            timedelta(hours=25, minutes=33),  # 25.55 h: 25.6 h
        ],
        desk.designer2: [
            timedelta(hours=7, minutes=2),  # 7.0 h
            timedelta(hours=50, minutes=20),  # 2.1 days = 50.4 h
        ],
    }
    submitted = datetime(2025, 1, 13, 9, 41, 17, tzinfo=ZoneInfo("Europe/Moscow"))
    for designer, times in leads.items():
        for n, lead in enumerate(times):
            item = desk.submit(title=f"{designer.full_name} {n}")
            _take(desk, designer)
            _complete(desk, designer, item)
            start = submitted + timedelta(days=n, minutes=13 * n)
            Item.objects.filter(pk=item.pk).update(submitted_at=start, closed_at=start + lead)
    filters = StatsFilters(
        item_type=ItemType.objects.get(workspace=desk.workspace, key="design-request"),
        period=Period(date(2025, 1, 6), date(2025, 2, 2)),
    )
    scope: dict[str, Any] = {"actor": desk.head, "workspace": desk.workspace, "filters": filters}
    now = timezone.now()
    rollup.rebuild(desk.workspace)
    rolled = fast.statistics(**scope, now=now)
    assert rolled is not None
    expected = {
        None: timedelta(hours=25.6),  # 7.0, 10.1, 25.6, 50.4, 76.8 h
        desk.designer.pk: timedelta(hours=25.6),  # 10.1, 25.6, 76.8 h
        desk.designer2.pk: timedelta(hours=28.7),  # even: (7.0 + 50.4) / 2
    }
    got = {r.user_id: r.median_lead for r in rolled.specialists}
    assert {None: rolled.summary.median_lead, **got} == expected
    StatsReady.objects.filter(workspace=desk.workspace).delete()
    computed = selectors.statistics_get(**scope, now=now)
    assert computed == rolled
    with pytest.MonkeyPatch.context() as patch:  # the SQLite fallback, in Python
        patch.setattr(live, "median_in_database", lambda: False)
        assert selectors.statistics_get(**scope, now=now) == rolled


@pytest.mark.django_db(transaction=True)
def test_the_rebuild_command_leaves_the_rollup_readable_from_its_index(desk: Desk) -> None:
    """The page reads the counts by index-only scans: after a rebuild the pages are
    vacuumed (marked all-visible), or every row would still be fetched from the table."""
    desk.submit(title="Counted")
    out = io.StringIO()
    call_command("stats_rebuild", desk.workspace.slug, stdout=out)
    assert out.getvalue().startswith(f"{desk.workspace.slug}: ")
    assert StatsReady.objects.filter(workspace=desk.workspace).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = 'reports_statscell'")
        assert cursor.fetchone()[0] > 0
