"""The stages panel is read once (`pult.work.stages.stage_panel_list`): the item page and
the API render the same answer, for every person, and it is what `services.stage_sign`
enforces."""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from pult.access.models import Role
from pult.api.services import api_token_create
from pult.work import policies, selectors
from pult.work.models import FieldDef, FieldMode, FieldRule, Item, SignOff, Stage
from pult.work.stages import StagePanel, stage_panel_list
from tests.work import test_stages as stages_module
from tests.work.test_stages import FINANCE, SALES, Office

office = stages_module.office  # the expertise-orders office with a person in each role

PEOPLE = ("manager", "finance", "head3", "expert", "dept4", "director")


def _panels(office: Office, who: str, item: Item) -> list[StagePanel]:
    user = getattr(office, who)
    item = selectors.item_get(actor=user, workspace=office.workspace, item_id=item.pk)
    modes = policies.field_modes(
        actor=user, item_type=item.item_type, status=item.status, item=item
    )
    return stage_panel_list(actor=user, item=item, modes=modes)


def _page_stages(client: HttpClient, item: Item) -> dict[str, dict[str, Any]]:
    """Each stage card of the item page: whether it offers the sign-off, what it says is
    missing and what the disabled button waits for."""
    response = client.get(reverse("work:item_detail", args=[item.pk]))
    assert response.status_code == 200
    cards = re.findall(
        r'<article class="stage"[^>]*data-stage="([^"]+)"(.*?)</article>',
        response.content.decode(),
        re.S,
    )
    assert cards, "the page shows no stages panel"
    out = {}
    for key, card in cards:
        missing = re.search(r"data-missing>[^:]*:(.*?)</p>", card, re.S)
        waiting = re.search(r"data-waiting>(.*?)</p>", card, re.S)
        out[key] = {
            "can_sign": f'data-sign="{key}"' in card,
            "missing": [
                name.strip() for name in html.unescape(missing.group(1)).split(",") if name.strip()
            ]
            if missing
            else [],
            "waiting": html.unescape(waiting.group(1)).strip() if waiting else "",
        }
    return out


def _auth(office: Office, who: str) -> dict[str, str]:
    _token, raw = api_token_create(actor=getattr(office, who), workspace=office.workspace, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _agree(office: Office, client: HttpClient, item: Item) -> None:
    """For each person: the page, the API and the selector tell the same per stage, and a
    sign-off the panel says waits is refused by the service with that very text."""
    for who in PEOPLE:
        panels = {p.stage.key: p for p in _panels(office, who, item)}
        client.force_login(getattr(office, who))
        page = _page_stages(client, item)
        auth = _auth(office, who)
        api = {s["key"]: s for s in client.get(f"/api/v1/items/{item.pk}/stages", **auth).json()}
        assert list(page) == list(api) == list(panels), who
        for key, panel in panels.items():
            where = (who, key)
            assert page[key]["can_sign"] is api[key]["can_sign"] is panel.can_sign, where
            assert api[key]["missing"] == list(panel.missing), where
            if panel.can_sign:  # the page names what is missing beside the button it offers
                assert page[key]["missing"] == list(panel.missing), where
            assert page[key]["waiting"] == panel.waiting, where
            assert not (panel.can_sign and panel.waiting), where
            if panel.waiting:
                refused = client.post(f"/api/v1/items/{item.pk}/stages/{key}/sign", **auth)
                assert refused.status_code == 400, where
                error = refused.json()["error"]
                assert (error["code"], error["message"]) == ("stage_out_of_order", panel.waiting)


def test_the_page_and_the_api_agree_for_every_person(office: Office, client: HttpClient) -> None:
    item = office.order()
    office.fill(office.manager, item, {"fee": "1000"})
    office.fill(office.finance, item, FINANCE)
    _agree(office, client, item)  # nothing signed: Dept 2 waits for Sales
    finance = next(p for p in _panels(office, "finance", item) if p.stage.key == "finance")
    assert finance.waiting and not finance.can_sign
    sales = next(p for p in _panels(office, "manager", item) if p.stage.key == "sales")
    assert sales.can_sign and sales.missing == (
        "Payment terms",
        "Subcontractor amount",
        "Manager's comments",
    )

    office.fill(office.manager, item, SALES)
    office.sign(office.manager, item, "sales")
    _agree(office, client, item)  # Dept 2 may sign now; Sales may be withdrawn
    finance = next(p for p in _panels(office, "finance", item) if p.stage.key == "finance")
    assert finance.can_sign and not finance.waiting and not finance.missing
    assert [p.can_unsign for p in _panels(office, "manager", item)][:2] == [True, False]
    assert SignOff.objects.filter(item=item).count() == 1  # the refusals changed nothing


def test_a_hidden_required_field_is_not_named_on_the_page_either(
    office: Office, client: HttpClient
) -> None:
    """What a person may not see does not exist for them: the page, like the API, leaves
    a hidden required field out of what signing still needs."""
    item = office.order()
    office.complete(item, "sales")
    stage = Stage.objects.get(item_type=item.item_type, key="finance")
    secret = FieldDef.objects.create(
        item_type=item.item_type, key="bank_secret", name_en="Bank secret", stage=stage
    )
    roles = {r.name: r for r in Role.objects.filter(workspace=office.workspace)}
    FieldRule.objects.create(field=secret, role=roles["Finance"], mode=FieldMode.HIDDEN)
    FieldRule.objects.create(field=secret, role=roles["Manager"], mode=FieldMode.REQUIRED)

    finance = next(p for p in _panels(office, "finance", item) if p.stage.key == "finance")
    assert "bank_secret" in finance.required
    assert "bank_secret" not in {row.field.key for row in finance.rows}
    assert "Bank secret" not in finance.missing and finance.can_sign
    client.force_login(office.finance)
    body = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assert "Bank secret" not in body
    _agree(office, client, item)
    # Signing is refused for the field they cannot fill, without naming it.
    from pult.work.exceptions import StageIncomplete

    with pytest.raises(StageIncomplete) as refusal:
        office.sign(office.finance, item, "finance")
    assert "Bank secret" not in refusal.value.message
    assert "1 field you cannot see" in refusal.value.message
    assert "bank_secret" not in refusal.value.field_errors


def test_the_panel_is_a_frozen_answer_with_display_values(office: Office) -> None:
    item = office.order()
    office.fill(office.manager, item, SALES)
    office.fill(office.head3, item, {"expert": office.expert.pk})
    panels = _panels(office, "head3", item)
    assert [p.stage.key for p in panels] == [
        "sales",
        "finance",
        "technical",
        "expertise",
        "state",
        "archive",
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        panels[0].can_sign = True  # type: ignore[misc]
    technical = next(p for p in panels if p.stage.key == "technical")
    expert = next(r for r in technical.rows if r.field.key == "expert")
    assert (expert.value, expert.display) == (office.expert.pk, "Elena Expert")
    fee = next(r for r in panels[0].rows if r.field.key == "fee")
    assert fee.value == "120000.00" and fee.display != fee.value  # money as people read it
