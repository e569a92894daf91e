"""The work engine on the design-desk pipeline: filing, steps, urgency, the queue."""

from __future__ import annotations

import pytest

from pult.core.exceptions import DomainError, Forbidden
from pult.desk import services as desk_services
from pult.work import services
from pult.work.exceptions import QueueEmpty, TransitionBlocked
from pult.work.models import Item, ItemPause
from pult.work.selectors import queue_position
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def test_filing_numbers_the_item_and_queues_it(desk: Desk) -> None:
    first = desk.submit()
    second = desk.submit(title="Leaflet")
    assert (first.reference, second.reference) == ("DR-00001", "DR-00002")
    assert first.status.key == "new" and first.in_queue
    assert (queue_position(first), queue_position(second)) == (0, 1)
    assert first.start_at and first.due_at and first.start_at < first.due_at


def test_an_incomplete_task_is_refused_field_by_field(desk: Desk) -> None:
    with pytest.raises(DomainError) as refused:
        desk.submit(size="", texts=" ", material_type="spaceship")
    errors = refused.value.field_errors
    assert set(errors) == {"size", "texts", "material_type"}
    assert errors["material_type"] == ["Choose one of the offered values."]
    assert "Format and sizes" in refused.value.message
    assert not Item.objects.exists()


def test_without_full_contacts_an_applicant_cannot_file(desk: Desk) -> None:
    desk.applicant.phone = ""
    desk.applicant.save()
    with pytest.raises(TransitionBlocked) as refused:
        desk.submit()
    assert refused.value.missing == ["your phone in the profile"]
    assert not Item.objects.exists()


def test_only_ones_own_outlet(desk: Desk) -> None:
    with pytest.raises(DomainError):
        services.work_item_submit(
            actor=desk.applicant,
            workspace=desk.workspace,
            item_type_key="design-request",
            title="X",
            values={"material_type": "poster", "size": "A3", "texts": "t", "wishes": "w"},
            outlet=desk.other_outlet,
        )


def test_urgent_jumps_the_queue_behind_earlier_urgent_ones(desk: Desk) -> None:
    a, b, c, d = (desk.submit(title=t) for t in "abcd")
    with pytest.raises(Forbidden):
        services.work_item_set_urgent(
            actor=desk.applicant, workspace=desk.workspace, item_id=d.pk, urgent=True
        )
    services.work_item_set_urgent(
        actor=desk.head, workspace=desk.workspace, item_id=c.pk, urgent=True
    )
    services.work_item_set_urgent(
        actor=desk.head, workspace=desk.workspace, item_id=d.pk, urgent=True
    )
    order = [queue_position(Item.objects.get(pk=i.pk)) for i in (a, b, c, d)]
    assert order == [2, 3, 0, 1]


def test_the_whole_story_of_a_request(desk: Desk) -> None:
    item = desk.submit()
    taken = desk_services.work_item_take_next(
        actor=desk.designer, workspace=desk.workspace, item_type_key="design-request"
    )
    assert taken.pk == item.pk and taken.status.key == "in_progress" and not taken.in_queue
    # Only the assignee asks for clarification, and must say what is unclear.
    with pytest.raises(Forbidden):
        desk.step(desk.designer2, item, "ask_clarification", "?")
    with pytest.raises(TransitionBlocked) as no_comment:
        desk.step(desk.designer, item, "ask_clarification")
    assert no_comment.value.missing == ["a comment"]
    item = desk.step(desk.designer, item, "ask_clarification", "Which logo?")
    assert item.status.key == "clarification" and item.category == "paused"
    assert ItemPause.objects.filter(item=item, ended_at__isnull=True).count() == 1
    item = desk.step(desk.applicant, item, "answer", "The new one")
    assert item.status.key == "in_progress"
    assert not ItemPause.objects.filter(item=item, ended_at__isnull=True).exists()
    with pytest.raises(TransitionBlocked) as no_file:
        desk.step(desk.designer, item, "complete")
    assert no_file.value.missing == ["a deliverable file"]
    desk.deliver(item)
    item = desk.step(desk.designer, item, "complete")
    assert item.status.key == "completed" and item.closed_at
    item = desk.step(desk.applicant, item, "return_for_revision", "Bigger logo")
    assert item.status.key == "revision" and item.closed_at is None
    assert [u.pk for u in item.assignees.all()] == [desk.designer.pk]  # the same designer
    item = desk.step(desk.designer, item, "complete")
    with pytest.raises(Forbidden):
        desk.step(desk.neighbour, item, "accept")
    item = desk.step(desk.applicant, item, "accept")
    assert item.status.key == "closed"


def test_a_step_from_the_wrong_status_is_refused(desk: Desk) -> None:
    item = desk.submit()
    with pytest.raises(DomainError, match="not possible"):
        desk.step(desk.applicant, item, "accept")
    assert Item.objects.get(pk=item.pk).status.key == "new"


def test_take_next_on_an_empty_queue(desk: Desk) -> None:
    with pytest.raises(QueueEmpty):
        desk_services.work_item_take_next(
            actor=desk.designer, workspace=desk.workspace, item_type_key="design-request"
        )
    with pytest.raises(Forbidden):
        desk_services.work_item_take_next(
            actor=desk.applicant, workspace=desk.workspace, item_type_key="design-request"
        )
