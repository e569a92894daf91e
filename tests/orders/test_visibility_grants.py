"""Visibility grants (P2): a department is granted the orders of manager A; its members
see A's orders (list, page, API, feed, chat), never manager B's; revoked, they are gone."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pult.access.models import Role
from pult.accounts.models import Department
from pult.activity.selectors import event_visible_to
from pult.api.services import api_token_create
from pult.chat.events import MESSAGE_POSTED
from pult.chat.models import MessageVisibilityRule
from pult.chat.services import message_post
from pult.orders import grants
from pult.work.models import Item, VisibilityGrant
from pult.work.selectors import item_visible_to
from tests.factories import make_member, make_role
from tests.work import test_stages
from tests.work.test_stages import Office

pytestmark = pytest.mark.django_db
office = test_stages.office  # the expertise-orders fixture, shared


def _order(office: Office, manager: Any, title: str) -> Item:
    item = office.order()
    Item.objects.filter(pk=item.pk).update(manager=manager, title=title)
    item.refresh_from_db()
    return item


def _setup(office: Office) -> tuple[Any, Any, Item, Item, Department]:
    roles = {r.name: r for r in Role.objects.filter(workspace=office.workspace)}
    manager_b = make_member(office.workspace, roles=[roles["Manager"]], full_name="Boris Manager")
    sales = Department.objects.create(workspace=office.workspace, name="Dept 2")
    # A supervisor role without work.view_all: sees nothing but what is granted. A comment
    # rule for it makes the granted orders' chats part of its feed.
    supervisor = make_role(office.workspace, ["activity.view_feed"], name="Supervisor")
    MessageVisibilityRule.objects.create(
        item_type=office.order().item_type, viewer_role=supervisor, sees="all"
    )
    member = make_member(
        office.workspace, roles=[supervisor], department=sales, full_name="Sasha Sales"
    )
    order_a = _order(office, office.manager, "Order of A qq1")
    order_b = _order(office, manager_b, "Order of B qq2")
    return member, manager_b, order_a, order_b, sales


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_granted_department_sees_one_managers_orders_until_revoked(office: Office) -> None:
    member, _manager_b, order_a, order_b, sales = _setup(office)
    web = _web(member)
    _token, raw = api_token_create(actor=member, workspace=office.workspace, name="t")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert web.get(reverse("work:item_detail", args=[order_a.pk])).status_code == 404

    grant = grants.visibility_grant_create(
        actor=office.director,
        workspace=office.workspace,
        department_id=sales.pk,
        role_id=None,
        manager_ids=[office.manager.pk],
    )
    message_post(actor=office.manager, workspace=office.workspace, item_id=order_a.pk, body="a")
    message_post(actor=office.manager, workspace=office.workspace, item_id=order_b.pk, body="b")

    listing = web.get(reverse("work:item_list")).content.decode()
    assert "Order of A qq1" in listing and "Order of B qq2" not in listing
    assert web.get(reverse("work:item_detail", args=[order_a.pk])).status_code == 200
    assert web.get(reverse("work:item_detail", args=[order_b.pk])).status_code == 404
    api_ids = {i["id"] for i in web.get("/api/v1/items", **bearer).json()["items"]}
    assert order_a.pk in api_ids and order_b.pk not in api_ids
    assert web.get(f"/api/v1/items/{order_a.pk}", **bearer).status_code == 200
    assert web.get(f"/api/v1/items/{order_b.pk}", **bearer).status_code == 404
    feed = web.get(reverse("activity:feed")).content.decode()
    assert "Order of A qq1" in feed and "Order of B qq2" not in feed
    chat_events = event_visible_to(member, office.workspace).filter(verb=MESSAGE_POSTED)
    assert chat_events.count() == 1  # A's chat, not B's
    export = web.get(reverse("chat:export", args=[order_a.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert [row[3] for row in rows[1:]] == ["a"]

    grants.visibility_grant_delete(
        actor=office.director, workspace=office.workspace, grant_id=grant.pk
    )
    assert web.get(reverse("work:item_detail", args=[order_a.pk])).status_code == 404
    assert web.get(f"/api/v1/items/{order_a.pk}", **bearer).status_code == 404
    assert web.get(reverse("chat:export", args=[order_a.pk])).status_code == 404
    assert not item_visible_to(member, office.workspace).exists()
    assert not event_visible_to(member, office.workspace).filter(verb=MESSAGE_POSTED).exists()


def test_a_role_can_be_granted_too(office: Office) -> None:
    member, manager_b, _order_a, order_b, _sales = _setup(office)
    supervisor = Role.objects.get(workspace=office.workspace, name="Supervisor")
    grants.visibility_grant_create(
        actor=office.director,
        workspace=office.workspace,
        department_id=None,
        role_id=supervisor.pk,
        manager_ids=[manager_b.pk],
    )
    assert list(item_visible_to(member, office.workspace)) == [order_b]  # not order_a


def test_the_settings_page_lists_adds_and_removes(office: Office) -> None:
    _member, manager_b, _order_a, _order_b, sales = _setup(office)
    url = reverse("orders:visibility_grants")
    assert _web(office.manager).get(url).status_code == 404  # no work.configure
    web = _web(office.director)
    assert web.get(url).status_code == 200
    refused = web.post(url, {"managers": [office.manager.pk]})
    assert refused.status_code == 400  # neither a department nor a role
    added = web.post(url, {"department": sales.pk, "managers": [office.manager.pk, manager_b.pk]})
    assert added.status_code == 302
    grant = VisibilityGrant.objects.get()
    assert grant.department == sales and set(grant.managers.all()) == {office.manager, manager_b}
    page = web.get(url).content.decode()
    assert "Dept 2" in page and "Boris Manager" in page
    delete_url = reverse("orders:visibility_grant_delete", args=[grant.pk])
    assert _web(office.manager).post(delete_url).status_code == 404
    assert web.post(delete_url).status_code == 302
    assert not VisibilityGrant.objects.exists()
    assert web.post(delete_url).status_code == 404
