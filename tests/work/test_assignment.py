"""Assignment is heard and queue words say whose place they count: the assignee is
notified and finds the request in *My work*; "N ahead of yours" is the requester's
wording; the head and the designers see when the queue will miss the start-by time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pult.notifications.models import Notification
from pult.work import services
from pult.work.models import Item
from tests.conftest import dispatch_notifications
from tests.desk.test_forecast import _with_calendar
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _page(user: object, url: str) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client.get(url).content.decode()


def test_the_assignee_is_told_and_finds_it_in_my_work(desk: Desk) -> None:
    item = desk.submit(title="Poster to assign")
    services.work_item_assign(
        actor=desk.head, workspace=desk.workspace, item_id=item.pk, assignee=desk.designer2
    )
    dispatch_notifications()
    told = Notification.objects.filter(recipient=desk.designer2, event__verb="work.assigned")
    assert told.count() == 1
    queue = _page(desk.designer2, reverse("desk:queue"))
    my_work = queue[queue.index("My work") :]
    assert item.reference in my_work
    inbox = _page(desk.designer2, reverse("notifications:inbox"))
    assert item.reference in inbox and "assigned" in inbox
    # The head who assigned is not told of their own act.
    assert not Notification.objects.filter(recipient=desk.head, event__verb="work.assigned")


def test_ahead_of_yours_is_the_requesters_wording(desk: Desk) -> None:
    _with_calendar(desk)
    desk.submit(applicant=desk.stranger, title="Earlier")
    item = desk.submit(title="Mine")
    url = reverse("work:item_detail", args=[item.pk])
    assert "1 ahead of yours" in _page(desk.applicant, url)
    for other in (desk.head, desk.designer):
        page = _page(other, url)
        assert "ahead of yours" not in page
        assert "1 ahead of it in the queue" in page


def test_the_head_and_the_designer_see_a_start_at_risk(desk: Desk) -> None:
    _with_calendar(desk)
    for n in range(3):
        desk.submit(applicant=desk.stranger, title=f"Earlier {n}")
    item = desk.submit(title="Late one")
    # The start-by time has passed while the request still waits behind three others.
    Item.objects.filter(pk=item.pk).update(start_at=timezone.now() - timedelta(hours=1))
    url = reverse("work:item_detail", args=[item.pk])
    for staff in (desk.head, desk.designer):
        assert "data-at-risk" in _page(staff, url)
    assert "data-at-risk" not in _page(desk.applicant, url)
    Item.objects.filter(pk=item.pk).update(start_at=timezone.now() + timedelta(days=60))
    assert "data-at-risk" not in _page(desk.head, url)


def test_the_board_counts_every_card_and_links_to_the_rest(desk: Desk) -> None:
    for n in range(33):
        desk.submit(title=f"Poster {n}")
    board = _page(desk.head, reverse("work:item_list") + "?view=kanban")
    new_column = board[board.index('data-status="new"') :]
    new_column = new_column[: new_column.index("</section>")]
    assert "data-column-total>33<" in new_column
    assert new_column.count("kanban-card") == 30
    assert "data-column-more" in new_column and "status=new" in new_column


def test_the_due_calendar_at_the_ends_of_the_calendar(desk: Desk) -> None:
    for month in ("9999-12", "0001-01", "2026-13", "x"):
        page = _page(desk.head, reverse("work:item_list") + f"?view=calendar&month={month}")
        assert "Previous month" in page
