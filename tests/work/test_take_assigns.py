"""A designer who takes a waiting request becomes its assignee, whichever way they take
it — the request page's Take button, a drag on the board, the API — and can then
complete it (completing is for assignees). The take rule is the step's effect, run by
the one writer of the status, not a rule of one view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pult.activity.models import Event
from pult.api.services import api_token_create
from pult.work.models import Item
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _by_page(desk: Desk, item: Item) -> int:
    client = Client()
    client.force_login(desk.designer)
    return client.post(reverse("work:item_step", args=[item.pk, "take"])).status_code


def _by_board(desk: Desk, item: Item) -> int:
    client = Client()
    client.force_login(desk.designer)
    return client.post(reverse("work:item_move", args=[item.pk]), {"to": "in_progress"}).status_code


def _by_api(desk: Desk, item: Item) -> int:
    _token, raw = api_token_create(actor=desk.designer, workspace=desk.workspace, name="t")
    client = Client()
    response = client.post(
        f"/api/v1/items/{item.pk}/transitions/take",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    return response.status_code


@pytest.mark.parametrize("take", [_by_page, _by_board, _by_api], ids=["page", "board", "api"])
def test_taking_a_request_assigns_the_taker_who_can_then_complete_it(
    desk: Desk, take: Callable[[Desk, Item], int]
) -> None:
    item = desk.submit(title="Poster")
    assert take(desk, item) in (200, 204, 302)
    item.refresh_from_db()
    assert item.status.key == "in_progress"
    assert list(item.assignees.all()) == [desk.designer]
    assert Event.objects.filter(verb="work.taken", target_id=item.pk).count() == 1

    desk.deliver(item)
    desk.step(desk.designer, item, "complete")
    item.refresh_from_db()
    assert item.status.key == "completed"


def test_an_assigned_request_taken_by_its_assignee_stays_theirs_alone(desk: Desk) -> None:
    from pult.work import services

    item = desk.submit(title="Poster")
    services.work_item_assign(
        actor=desk.head, workspace=desk.workspace, item_id=item.pk, assignee=desk.designer
    )
    assert _by_page(desk, item) == 302
    item.refresh_from_db()
    assert list(item.assignees.all()) == [desk.designer]
    assert not Event.objects.filter(verb="work.taken", target_id=item.pk).exists()


def test_a_take_costs_twenty_queries_at_most_and_no_notification_under_the_lock(
    desk: Desk, django_assert_max_num_queries: Any
) -> None:
    """The step's writes, its events and their outbox rows; the notification rules run
    after the commit, in the worker (today a take tells the requester by a rule)."""
    item = desk.submit(title="Poster")
    client = Client()
    client.force_login(desk.designer)
    with django_assert_max_num_queries(20) as queries:
        response = client.post(reverse("work:item_step", args=[item.pk, "take"]))
    assert response.status_code == 302
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "notifications_notificationrule" not in sql
    assert "notifications_notification" not in sql
    item.refresh_from_db()
    assert list(item.assignees.all()) == [desk.designer]
