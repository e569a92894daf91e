"""The queue under any sequence of actions (hypothesis), and two designers racing."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pult.core.exceptions import DomainError
from pult.desk import services as desk_services
from pult.work import services
from pult.work.models import Item
from pult.work.selectors import item_get, queue_position, with_queue_position
from tests.work.conftest import Desk

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "submit",
                "submit_other",
                "urgent",
                "not_urgent",
                "take",
                "clarify",
                "answer",
                "complete",
                "revise",
                "accept",
            ]
        ),
        st.integers(min_value=0, max_value=20),
    ),
    min_size=1,
    max_size=25,
)


def _act(desk: Desk, action: str, pick: int) -> None:
    items = list(Item.objects.order_by("pk"))
    item = items[pick % len(items)] if items else None
    head, designer = desk.head, desk.designer
    if action == "submit":
        desk.submit(title=f"Request {pick}")
    elif action == "submit_other":
        desk.submit(applicant=desk.stranger, title=f"Other {pick}")
    elif item is None:
        return
    elif action in ("urgent", "not_urgent"):
        services.work_item_set_urgent(
            actor=head, workspace=desk.workspace, item_id=item.pk, urgent=action == "urgent"
        )
    elif action == "take":
        desk_services.work_item_take_next(
            actor=designer, workspace=desk.workspace, item_type_key="design-request"
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


def _check(desk: Desk) -> None:
    queued = list(Item.objects.filter(in_queue=True).order_by("queue_rank", "queue_at", "id"))
    for item in Item.objects.select_related("status"):
        assert item.in_queue == item.status.queued
        assert (item.queue_rank == 0) == (item.urgent_at is not None) or not item.in_queue
        assert item.queue_at == (item.urgent_at if item.urgent_at else item.submitted_at)
    urgent = [i for i in queued if i.urgent_at]
    assert queued[: len(urgent)] == urgent  # urgent first…
    assert [i.urgent_at for i in urgent] == sorted(i.urgent_at for i in urgent)  # …FIFO
    rest = queued[len(urgent) :]
    assert [i.submitted_at for i in rest] == sorted(i.submitted_at for i in rest)
    annotated = {i.pk: i.ahead for i in with_queue_position(Item.objects.all())}  # type: ignore[attr-defined]
    for position, item in enumerate(queued):
        assert annotated[item.pk] == position == queue_position(item)
    assert all(annotated[i.pk] is None for i in Item.objects.filter(in_queue=False))


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_any_sequence_keeps_the_queue_consistent(desk: Desk, actions: list[Any]) -> None:
    savepoint = transaction.savepoint()
    try:
        for action, pick in actions:
            # A refused step changes nothing; the invariants must hold either way.
            with contextlib.suppress(DomainError):
                _act(desk, action, pick)
            _check(desk)
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.django_db(transaction=True)
def test_two_designers_taking_at_once_get_different_items(desk: Desk) -> None:
    assert connection.vendor == "postgresql"
    first, second = desk.submit(title="First"), desk.submit(title="Second")
    barrier = threading.Barrier(2)
    taken: dict[str, int] = {}
    errors: list[BaseException] = []

    def take(designer: Any) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                item = desk_services.work_item_take_next(
                    actor=designer, workspace=desk.workspace, item_type_key="design-request"
                )
                barrier.wait(timeout=10)  # both hold their row lock at the same moment
                taken[designer.email] = item.pk
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=take, args=(d,)) for d in (desk.designer, desk.designer2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(taken.values()) == sorted([first.pk, second.pk])
    for designer in (desk.designer, desk.designer2):
        item = item_get(actor=designer, workspace=desk.workspace, item_id=taken[designer.email])
        assert item.status.key == "in_progress"
        assert [u.pk for u in item.assignees.all()] == [designer.pk]
