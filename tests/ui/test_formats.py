from decimal import Decimal

from django.utils import translation

from pult.ui.templatetags.pult_format import money


def test_money_follows_the_locale() -> None:
    with translation.override("ru"):
        assert money(Decimal("1234.5")) == "1\u00a0234,50\u00a0₽"
    with translation.override("en"):
        assert money(Decimal("1234.5")) == "₽1,234.50"
        assert money("-20", "USD") == "-$20.00"
        assert money(None) == ""
