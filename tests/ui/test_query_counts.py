"""Page cost does not grow with the data: the same number of queries at 5 and 60 rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pult.access.models import Role
from pult.accounts.services import member_update
from pult.notifications.models import NotificationRule
from tests.conftest import login
from tests.factories import make_member, make_workspace

pytestmark = pytest.mark.django_db


def _grow(workspace: Any, admin: Any, watcher: Any, people: int) -> None:
    roles = list(Role.objects.filter(workspace=workspace))
    for _ in range(people):
        member = make_member(workspace, [])
        member_update(
            actor=admin,
            workspace=workspace,
            user_id=member.pk,
            roles=roles,
            department=None,
            is_active=True,
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/activity/", "/notifications/", "/people/", "/", "/roles/", "/search/?q=Member"]
)
def test_page_queries_do_not_grow_with_rows(
    url: str, client: Client, django_assert_max_num_queries: Any
) -> None:
    workspace, admin = make_workspace()
    watcher = make_member(workspace, roles=list(Role.objects.filter(workspace=workspace)))
    rule = NotificationRule.objects.create(workspace=workspace, verb="accounts.member_changed")
    rule.users.add(watcher)
    login(client, watcher)
    _grow(workspace, admin, watcher, 5)
    _queries(client, url)  # warm the per-process caches (content types, sessions)
    small = _queries(client, url)
    _grow(workspace, admin, watcher, 55)  # more than a page of everything
    large = _queries(client, url)
    assert large == small, f"{url}: {small} queries with few rows, {large} with many"
    with django_assert_max_num_queries(15):
        client.get(url)
