"""Money, numbers and days in the reader's language, the same on every page: the
item's fields, the stages panel, the client card; exports keep plain values."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from pult.accounts.models import User
from pult.ui.templatetags.pult_format import day, money, number
from pult.work.models import FieldDef, FieldKind
from pult.work.values import display_value, export_value
from tests.conftest import login
from tests.work import test_stages
from tests.work.test_stages import FINANCE, SALES, Office

office = test_stages.office  # the expertise-orders (P2) fixture, shared


def test_money_follows_the_locale() -> None:
    with translation.override("ru"):
        assert money(Decimal("1234.5")) == "1\u00a0234,50\u00a0₽"
        assert money("1290000.00") == "1\u00a0290\u00a0000,00\u00a0₽"
    with translation.override("en"):
        assert money(Decimal("1234.5")) == "₽1,234.50"
        assert money("1290000.00") == "₽1,290,000.00"
        assert money("-20", "USD") == "-$20.00"
        assert money(None) == ""


def test_days_and_numbers_follow_the_locale() -> None:
    with translation.override("ru"):
        assert day("2026-12-07") == "07.12.2026"
        assert day(datetime.date(2026, 12, 7)) == "07.12.2026"
        assert number("1290000.5") == "1\u00a0290\u00a0000,5"
    with translation.override("en"):
        assert day("2026-12-07") == "12/07/2026"
        assert number("30.00") == "30.00"
    assert day(None) == day("") == ""
    assert day("not a day") == "not a day"


def _field(kind: str) -> FieldDef:
    return FieldDef(key="f", kind=kind)


def test_a_field_shows_money_and_days_localised_and_exports_them_plain() -> None:
    with translation.override("ru"):
        assert (
            display_value(_field(FieldKind.MONEY), "1290000.00") == "1\u00a0290\u00a0000,00\u00a0₽"
        )
        assert display_value(_field(FieldKind.DATE), "2026-12-07") == "07.12.2026"
        assert display_value(_field(FieldKind.NUMBER), "40.00") == "40,00"
        assert display_value(_field(FieldKind.MONEY), None) == "—"
        assert export_value(_field(FieldKind.MONEY), "1290000.00") == "1290000.00"
        assert export_value(_field(FieldKind.DATE), "2026-12-07") == "2026-12-07"
        assert export_value(_field(FieldKind.BOOLEAN), True) == "Да"
        assert export_value(_field(FieldKind.MONEY), None) == ""


def _in_russian(user: User) -> None:
    User.objects.filter(pk=user.pk).update(locale="ru")


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # keeps the NBSPs


@pytest.mark.django_db
def test_the_order_page_shows_money_and_days_in_the_readers_language(
    office: Office, client: HttpClient
) -> None:
    item = office.order()
    office.fill(office.manager, item, SALES)
    office.fill(office.finance, item, FINANCE)
    _in_russian(office.expert)  # reads the sales and finance stages, edits neither
    login(client, office.expert)
    text = _text(client.get(reverse("work:item_detail", args=[item.pk])).content.decode())
    assert "120\u00a0000,00\u00a0₽" in text  # the fee, 120000
    assert "02.03.2026" in text  # the payment date, 2026-03-02
    assert "120000.00" not in text and "2026-03-02" not in text


@pytest.mark.django_db
def test_the_client_card_shows_the_contract_sum_as_money(
    office: Office, client: HttpClient
) -> None:
    _in_russian(office.director)
    login(client, office.director)
    url = reverse("parties:client_detail", args=[office.contract.client_id])
    html = client.get(url).content.decode()
    assert "120\u00a0000,00\u00a0₽" in html
