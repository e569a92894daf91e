"""Issue 13: an expertise order's stages are signed in their order, the archive step
needs every stage signed, and an archived (closed) order changes no more until a step
reopens it. Through the services, the item page and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from pult.activity.models import Event
from pult.api.services import api_token_create
from pult.desk import services as desk_services
from pult.pipelines import services as pipeline_services
from pult.work import policies, services
from pult.work.exceptions import (
    ItemClosed,
    StageIncomplete,
    StageOutOfOrder,
    StageSignedLater,
    TransitionBlocked,
)
from pult.work.models import FieldDef, FieldRule, Item, ItemType, SignOff, Stage, Transition
from tests.conftest import login
from tests.work import test_stages as stages_module
from tests.work.conftest import Desk
from tests.work.test_stages import ACTS, FINANCE, SALES, STAGE_KEYS, Office

office = stages_module.office  # the expertise-orders office with a person in each role

NAMES = {
    "sales": "Dept 1 · Sales",
    "finance": "Dept 2 · Finance",
    "technical": "Dept 3 · Technical specification",
    "expertise": "Expertise",
    "state": "Dept 4 · State approval",
    "archive": "Archive",
}


def _quoted(*keys: str) -> str:
    return ", ".join(f"“{NAMES[k]}”" for k in keys)


def _filled_order(office: Office) -> Item:
    """A new order (a prospect) with every stage's fields filled in and nothing signed."""
    item = office.order()
    for stage in STAGE_KEYS:
        office.fill_stage(item, stage)
    return item


def _signed(item: Item) -> list[str]:
    return sorted(SignOff.objects.filter(item=item).values_list("stage__key", flat=True))


def _archived(office: Office) -> Item:
    item = office.order()
    office.step(office.manager, item, "confirm")
    office.step(office.manager, item, "start")
    office.complete(item, *STAGE_KEYS)
    return office.step(office.manager, item, "archive")


# ---------------------------------------------------------------- signing in order


def test_the_archive_stage_before_sales_is_refused_naming_every_earlier_stage(
    office: Office,
) -> None:
    item = _filled_order(office)
    events = Event.objects.count()
    with pytest.raises(StageOutOfOrder) as refused:
        office.sign(office.manager, item, "archive")
    assert refused.value.message == (
        f"Sign {_quoted('sales', 'finance', 'technical', 'expertise', 'state')} first."
    )
    assert refused.value.missing == [NAMES[k] for k in STAGE_KEYS[:-1]]
    assert _signed(item) == []
    assert Event.objects.count() == events
    # The same once Dept 1 is signed: the rest are still named, Dept 1 no longer.
    office.sign(office.manager, item, "sales")
    with pytest.raises(StageOutOfOrder) as refused:
        office.sign(office.manager, item, "archive")
    assert refused.value.message == (
        f"Sign {_quoted('finance', 'technical', 'expertise', 'state')} first."
    )


@pytest.mark.parametrize("n", range(1, len(STAGE_KEYS)))
def test_each_stage_is_refused_while_the_one_before_it_is_unsigned(office: Office, n: int) -> None:
    item = _filled_order(office)
    stage, previous = STAGE_KEYS[n], STAGE_KEYS[n - 1]
    for earlier in STAGE_KEYS[: n - 1]:
        office.sign(office.stage_work(earlier)[1], item, earlier)
    signer = office.stage_work(stage)[1]
    with pytest.raises(StageOutOfOrder) as refused:
        office.sign(signer, item, stage)
    assert refused.value.message == f"Sign {_quoted(previous)} first."
    assert refused.value.missing == [NAMES[previous]]
    assert stage not in _signed(item)
    # The policy the page and the API read says the same.
    stage_row = Stage.objects.get(item_type=item.item_type, key=stage)
    item.refresh_from_db()
    assert not policies.can_sign_stage(signer, item, stage_row)
    office.sign(office.stage_work(previous)[1], item, previous)
    item.refresh_from_db()
    assert policies.can_sign_stage(signer, item, stage_row)
    office.sign(signer, item, stage)
    assert _signed(item) == sorted(STAGE_KEYS[: n + 1])


def test_signing_in_order_works_and_the_order_is_archived(office: Office) -> None:
    item = office.order()
    office.complete(item, "sales")
    office.step(office.manager, item, "confirm")
    office.complete(item, "finance")
    office.step(office.manager, item, "start")
    office.complete(item, "technical", "expertise", "state", "archive")
    assert _signed(item) == sorted(STAGE_KEYS)
    item = office.step(office.manager, item, "archive")
    assert item.status.key == "archived" and item.closed_at is not None


def test_a_sign_off_is_withdrawn_last_first(office: Office) -> None:
    item = office.order()
    office.complete(item, "sales", "finance")
    with pytest.raises(StageSignedLater) as refused:
        services.stage_unsign(
            actor=office.manager, workspace=office.workspace, item_id=item.pk, stage_key="sales"
        )
    assert refused.value.message == (
        f"First withdraw the sign-offs of the later stages: {_quoted('finance')}."
    )
    assert _signed(item) == ["finance", "sales"]
    for stage in ("finance", "sales"):
        services.stage_unsign(
            actor=office.manager, workspace=office.workspace, item_id=item.pk, stage_key=stage
        )
    assert _signed(item) == []


def test_a_pipeline_not_signed_in_order_takes_sign_offs_in_any_order(office: Office) -> None:
    item_type = ItemType.objects.get(workspace=office.workspace, key="order")
    pipeline_services.item_type_settings_save(
        actor=office.director,
        workspace=office.workspace,
        item_type_id=item_type.pk,
        name_en=item_type.name_en,
        name_ru=item_type.name_ru,
        number_prefix=item_type.number_prefix,
        sequential_stages=False,
    )
    item = _filled_order(office)
    office.sign(office.manager, item, "archive")
    office.sign(office.dept4, item, "state")
    assert _signed(item) == ["archive", "state"]


# ---------------------------------------------------------------- the archive step


def test_the_archive_step_names_each_unsigned_stage(office: Office) -> None:
    item = office.order()
    office.step(office.manager, item, "confirm")
    office.step(office.manager, item, "start")
    office.complete(item, "sales", "finance", "technical", "expertise", "state")
    with pytest.raises(TransitionBlocked) as refused:
        office.step(office.manager, item, "archive")
    assert refused.value.missing == [
        "the sign-off of “Archive” (still missing: Act issued, Act signed by the client, "
        "Original contract received, Registration date, Valid until)"
    ]
    office.fill_stage(item, "archive")
    with pytest.raises(TransitionBlocked) as refused:
        office.step(office.manager, item, "archive")
    assert refused.value.missing == ["the sign-off of “Archive”"]
    item.refresh_from_db()
    assert item.status.key == "in_work"
    office.sign(office.manager, item, "archive")
    assert office.step(office.manager, item, "archive").status.key == "archived"


def test_the_archive_step_names_a_stage_left_unsigned_in_the_middle(office: Office) -> None:
    """The guard holds on its own: with the order check switched off (as an order signed
    before it was), Dept 4 unsigned keeps the order out of the archive."""
    ItemType.objects.filter(workspace=office.workspace, key="order").update(sequential_stages=False)
    item = office.order()
    office.step(office.manager, item, "confirm")
    office.step(office.manager, item, "start")
    office.complete(item, "sales", "finance", "technical", "expertise", "archive")
    office.fill_stage(item, "state")
    with pytest.raises(TransitionBlocked) as refused:
        office.step(office.manager, item, "archive")
    assert refused.value.missing == ["the sign-off of “Dept 4 · State approval”"]
    assert "Dept 4 · State approval" in refused.value.message
    item.refresh_from_db()
    assert item.status.key == "in_work"


def test_dept_2_signs_with_the_payment_entered_and_the_acts_empty(office: Office) -> None:
    item = office.order()
    office.complete(item, "sales")
    finance = Stage.objects.get(item_type=item.item_type, key="finance")
    required = {f.key for f in policies.stage_required_fields(item, finance)}
    assert required == {"legal_entity", "payment_amount", "payment_date", "payment_order_number"}
    with pytest.raises(StageIncomplete) as refused:
        office.sign(office.finance, item, "finance")
    assert refused.value.missing == [
        "Legal entity",
        "Payment amount",
        "Payment date",
        "Payment order number",
    ]
    office.fill(office.finance, item, FINANCE)
    signoff = office.sign(office.finance, item, "finance")
    assert signoff.signer_name == "Fedor Finance"
    item.refresh_from_db()
    assert not any(key in item.values for key in ACTS)
    # Dept 2 still ticks the acts later: they belong to the archive, which is unsigned.
    office.fill(office.finance, item, {"act_issued": True})
    item.refresh_from_db()
    assert item.values["act_issued"] is True


# ---------------------------------------------------------------- a closed order is frozen


def test_an_archived_order_refuses_every_change(office: Office) -> None:
    item = _archived(office)
    assert policies.is_frozen(item)
    before = (dict(item.values), item.urgent_at, item.start_at, item.due_at, _signed(item))
    events = Event.objects.count()
    workspace = office.workspace

    def refused(change: Any) -> None:
        with pytest.raises(ItemClosed) as error:
            change()
        assert f"{item.reference} is closed (“Archived”)" in error.value.message

    refused(
        lambda: services.stage_unsign(
            actor=office.manager, workspace=workspace, item_id=item.pk, stage_key="archive"
        )
    )
    refused(lambda: office.fill(office.director, item, {"sales_comments": "Changed"}))
    refused(lambda: office.fill(office.finance, item, {"act_issued": False}))
    refused(
        lambda: services.work_item_set_urgent(
            actor=office.manager, workspace=workspace, item_id=item.pk, urgent=True
        )
    )
    now = timezone.now()
    refused(
        lambda: services.work_item_set_dates(
            actor=office.manager,
            workspace=workspace,
            item_id=item.pk,
            start_at=now,
            due_at=now + timedelta(days=3),
            reason="Late",
        )
    )
    refused(
        lambda: services.work_item_assign(
            actor=office.director, workspace=workspace, item_id=item.pk, assignee=office.director
        )
    )
    # An order archived before the fix with Dept 4 unsigned: no sign-off is taken either.
    SignOff.objects.filter(item=item, stage__key="state").delete()
    refused(lambda: office.sign(office.dept4, item, "state"))
    item.refresh_from_db()
    after = (dict(item.values), item.urgent_at, item.start_at, item.due_at, _signed(item))
    assert after[:4] == before[:4] and "state" not in after[4]
    assert not item.assignees.exists()
    assert Event.objects.count() == events
    # The field policy says so to every reader: nothing is editable.
    modes = policies.field_modes(
        actor=office.director, item_type=item.item_type, status=item.status, item=item
    )
    assert set(modes.values()) == {"read"}


def _page(client: HttpClient, item: Item) -> str:
    response = client.get(reverse("work:item_detail", args=[item.pk]))
    assert response.status_code == 200
    return response.content.decode()


CHANGES = (
    "data-sign=",
    "data-unsign=",
    "data-urgent-toggle",
    "/fields/",
    "/dates/",
    "/assign/",
    "data-step=",
)


def test_the_page_of_an_archived_order_offers_no_change(office: Office, client: HttpClient) -> None:
    login(client, office.director)  # holds every permission of the preset
    item = office.order()
    office.step(office.manager, item, "confirm")
    office.step(office.manager, item, "start")
    office.complete(item, "sales", "finance", "technical", "expertise", "state")
    office.fill_stage(item, "archive")
    open_page = _page(client, item)  # each change is offered while the order is open …
    for marker in CHANGES[:-1]:
        assert marker in open_page, marker
    assert 'data-sign="archive"' in open_page and 'data-unsign="state"' in open_page
    office.sign(office.manager, item, "archive")
    assert 'data-step="archive"' in _page(client, item)
    office.step(office.manager, item, "archive")
    body = _page(client, item)
    assert "data-stages" in body and "Signed by Marina Manager" in body
    for marker in CHANGES:  # … and none once it is archived (no step leaves the archive)
        assert marker not in body, marker
    assert not Transition.objects.filter(
        item_type=item.item_type, from_status__key="archived"
    ).exists()


def test_the_html_posts_to_an_archived_order_are_refused(
    office: Office, client: HttpClient
) -> None:
    item = _archived(office)
    login(client, office.manager)
    posts = [
        (reverse("work:item_stage_sign", args=[item.pk, "archive"]), {"sign": "0"}),
        (reverse("work:item_fields", args=[item.pk]), {"stage": "sales", "v-fee": "1"}),
        (reverse("work:item_urgent", args=[item.pk]), {"urgent": "1"}),
        (
            reverse("work:item_dates", args=[item.pk]),
            {"start_at": "2026-05-01T10:00", "due_at": "2026-05-02T10:00", "reason": "Late"},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 400, url
        assert "is closed (“Archived”)" in response.content.decode(), url
    item.refresh_from_db()
    assert item.urgent_at is None and item.values["fee"] == "120000.00"
    assert _signed(item) == sorted(STAGE_KEYS)


def test_a_refused_order_is_frozen_until_the_reopen_step(office: Office) -> None:
    """Refused is closed too; the preset's "Back to prospects" step reopens it (the
    archive has no step out of it)."""
    item = office.order()
    office.fill(office.manager, item, {"fee": "1000"})
    office.step(office.manager, item, "refuse", comment="Went elsewhere")
    with pytest.raises(ItemClosed):
        office.fill(office.manager, item, SALES)
    with pytest.raises(ItemClosed):
        office.sign(office.manager, item, "sales")
    item = office.step(office.manager, item, "reopen")
    assert item.status.key == "prospect" and not policies.is_frozen(item)
    office.fill(office.manager, item, SALES)
    office.sign(office.manager, item, "sales")
    assert _signed(item) == ["sales"]


def test_a_completed_design_request_is_frozen_until_returned_for_revision(desk: Desk) -> None:
    """The design desk's closed statuses freeze its requests too; the steps its pipeline
    defines out of them (return for revision, accept, the head's close) still work."""
    item = desk.submit()
    desk_services.work_item_take_next(
        actor=desk.designer, workspace=desk.workspace, item_type_key="design-request"
    )
    desk.deliver(item)
    item = desk.step(desk.designer, item, "complete")
    assert item.status.key == "completed" and policies.is_frozen(item)
    with pytest.raises(ItemClosed):
        services.work_item_set_urgent(
            actor=desk.head, workspace=desk.workspace, item_id=item.pk, urgent=True
        )
    with pytest.raises(ItemClosed):
        services.work_item_update(
            actor=desk.head, workspace=desk.workspace, item_id=item.pk, values={"texts": "New"}
        )
    item = desk.step(desk.applicant, item, "return_for_revision", "Bigger logo")
    assert item.status.key == "revision" and not policies.is_frozen(item)
    services.work_item_update(
        actor=desk.head, workspace=desk.workspace, item_id=item.pk, values={"texts": "New"}
    )
    item = desk.step(desk.designer, item, "complete")
    item = desk.step(desk.applicant, item, "accept")
    assert item.status.key == "closed"


# ---------------------------------------------------------------- the page and the API


def test_the_page_shows_the_wait_and_refuses_an_out_of_order_post(
    office: Office, client: HttpClient
) -> None:
    item = office.order()
    office.fill(office.finance, item, FINANCE)
    login(client, office.finance)
    body = _page(client, item)
    assert 'data-sign="finance"' not in body  # not offered …
    assert 'data-sign-waiting="finance"' in body  # … a disabled button says why
    assert f"Sign {_quoted('sales')} first." in body

    response = client.post(
        reverse("work:item_stage_sign", args=[item.pk, "finance"]), {"sign": "1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "toast-error" in page and f"Sign {_quoted('sales')} first." in page
    assert _signed(item) == []

    office.complete(item, "sales")
    body = _page(client, item)
    assert 'data-sign="finance"' in body and "data-sign-waiting" not in body
    response = client.post(
        reverse("work:item_stage_sign", args=[item.pk, "finance"]), {"sign": "1"}
    )
    assert response.status_code == 302
    assert _signed(item) == ["finance", "sales"]


def _auth(office: Office, user: Any) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, workspace=office.workspace, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_refuses_out_of_order_and_closed_changes(
    office: Office, client: HttpClient
) -> None:
    item = office.order()
    office.fill(office.finance, item, FINANCE)
    finance = _auth(office, office.finance)
    base = f"/api/v1/items/{item.pk}"
    stages = client.get(f"{base}/stages", **finance).json()
    assert next(s for s in stages if s["key"] == "finance")["can_sign"] is False
    refused = client.post(f"{base}/stages/finance/sign", **finance)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "stage_out_of_order"
    assert error["message"] == f"Sign {_quoted('sales')} first."
    assert _signed(item) == []

    archived = _archived(office)
    manager = _auth(office, office.manager)
    base = f"/api/v1/items/{archived.pk}"
    for method, url, body in (
        ("patch", f"{base}/values", {"values": {"fee": "1"}}),
        ("post", f"{base}/urgent", {"urgent": True}),
        ("delete", f"{base}/stages/archive/sign", None),
    ):
        call = getattr(client, method)
        response = (
            call(url, **manager)
            if body is None
            else call(url, body, content_type="application/json", **manager)
        )
        assert response.status_code == 400, (url, response.content)
        assert response.json()["error"]["code"] == "item_closed", url
    assert _signed(archived) == sorted(STAGE_KEYS)


# ---------------------------------------------------------------- settings and old workspaces


def test_the_pipeline_editor_switches_the_order_of_stages(
    office: Office, client: HttpClient
) -> None:
    item_type = ItemType.objects.get(workspace=office.workspace, key="order")
    login(client, office.director)
    url = reverse("pipelines:detail", args=[item_type.pk])
    page = client.get(url).content.decode()
    assert 'name="sequential_stages"' in page and "Stages are signed in their order" in page
    form = {
        "name_en": item_type.name_en,
        "name_ru": item_type.name_ru,
        "number_prefix": item_type.number_prefix,
        "initial_status": item_type.statuses.get(is_initial=True).pk,
        "skill_field": "",
    }
    assert client.post(url, form).status_code == 302
    item_type.refresh_from_db()
    assert item_type.sequential_stages is False
    assert client.post(url, {**form, "sequential_stages": "on"}).status_code == 302
    item_type.refresh_from_db()
    assert item_type.sequential_stages is True


def test_the_migration_brings_an_older_workspace_in_line(office: Office) -> None:
    """A workspace loaded from the preset as it was: its rows are rewritten to the
    preset's present shape (the data migration 0013)."""
    from importlib import import_module

    migration = import_module("pult.work.migrations.0013_expertise_orders_stage_order")
    item_type = ItemType.objects.get(workspace=office.workspace, key="order")
    finance = item_type.stages.get(key="finance")
    acts = FieldDef.objects.filter(item_type=item_type, key__in=list(ACTS))
    FieldRule.objects.filter(field__in=acts).exclude(role__name="Director").update(stage=finance)
    acts.update(stage=finance, help_en="", help_ru="")
    archive_step = item_type.transitions.get(key="archive")
    Transition.objects.filter(pk=archive_step.pk).update(
        guards=[], requires_stages=["finance", "archive"]
    )
    ItemType.objects.filter(pk=item_type.pk).update(sequential_stages=False)
    version = ItemType.objects.get(pk=item_type.pk).pipeline_version

    migration.forwards(django_apps, None)

    item_type.refresh_from_db()
    assert item_type.sequential_stages is True and item_type.pipeline_version != version
    archive_step.refresh_from_db()
    assert (archive_step.guards, archive_step.requires_stages) == (["all_stages_signed"], [])
    assert set(acts.values_list("stage__key", flat=True)) == {"archive"}
    assert set(
        FieldRule.objects.filter(field__in=acts, role__name="Finance").values_list(
            "stage__key", "mode"
        )
    ) == {("archive", "required")}
    assert set(acts.values_list("help_en", flat=True)) == {
        "Filled in by Dept 2; required for the archive"
    }
    # And the orders of the workspace follow: Dept 2 signs without the acts, in order.
    item = office.order()
    office.complete(item, "sales", "finance")
    with pytest.raises(StageOutOfOrder):
        office.sign(office.dept4, item, "state")
