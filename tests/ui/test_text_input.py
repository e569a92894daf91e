"""Control characters: refused at input on every form, and harmless in the exports when
they were stored before the rule (one such title broke the XLSX export for everyone)."""

from __future__ import annotations

import csv
import importlib
import io
import pkgutil

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

import pult
from pult.core.forms import Form
from pult.core.text import printable, spreadsheet_cell, text_problem
from pult.parties.models import Client as PartyClient
from pult.work.models import Item
from tests.conftest import login
from tests.work import test_stages
from tests.work.conftest import TASK, Desk
from tests.work.test_stages import Office

office = test_stages.office  # the expertise-orders fixture, shared


@pytest.mark.parametrize(
    ("text", "multiline", "refused"),
    [
        ("Autumn poster", False, False),
        ("Осенний плакат «Ёлка»", False, False),
        ("two\nlines", True, False),
        ("a\ttab", True, False),
        ("two\nlines", False, True),
        ("bell\u0007", True, True),
        ("nul\u0000", True, True),
        ("esc\u001b[31m", True, True),
        ("c1\u0085", True, True),
        ("x\ud800y", True, True),
    ],
)
def test_the_one_rule(text: str, multiline: bool, refused: bool) -> None:
    assert (text_problem(text, multiline=multiline) is not None) is refused
    assert text_problem(printable(text), multiline=True) is None


def test_spreadsheet_cells_are_plain_text() -> None:
    assert spreadsheet_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert spreadsheet_cell("bell\u0007 and nul\u0000") == "bell and nul"
    assert spreadsheet_cell("Плакат") == "Плакат"


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(pult.__path__, "pult."):
        if module.name.endswith(("forms", "views")) and ".migrations" not in module.name:
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    stack: list[type] = [forms.BaseForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("pult."):
                found.append(sub)
    return found


# Django's own login and password-reset forms take a password and an address as typed.
AUTH_FORMS = {"LoginForm", "ResetForm"}


def test_every_form_of_the_project_holds_the_rule() -> None:
    project_forms = _project_forms()
    assert len(project_forms) > 30
    strays = [
        f"{f.__module__}.{f.__name__}"
        for f in project_forms
        if not issubclass(f, Form) and f.__name__ not in AUTH_FORMS
    ]
    assert strays == []


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["Poster\u0007", "Poster\u0000 nul", "Two\nlines"])
def test_filing_refuses_control_characters(client: Client, desk: Desk, title: str) -> None:
    login(client, desk.applicant)
    form = {"title": title, "outlet": desk.outlet.pk, **TASK}
    response = client.post(reverse("work:item_new"), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "data-form-summary" in page
    assert any(
        reason in page
        for reason in ("control characters", "must be one line", "Null characters are not allowed")
    )
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_a_textarea_keeps_its_lines_and_refuses_a_bell(client: Client, desk: Desk) -> None:
    login(client, desk.applicant)
    lines = {"title": "Poster", "outlet": desk.outlet.pk, **TASK, "texts": "Line one\nLine two"}
    assert client.post(reverse("work:item_new"), lines).status_code == 302
    bell = {**lines, "title": "Other poster", "texts": "Ring\u0007"}
    assert client.post(reverse("work:item_new"), bell).status_code == 400
    assert list(Item.objects.values_list("title", flat=True)) == ["Poster"]


@pytest.mark.django_db
def test_a_client_form_refuses_control_characters(client: Client, office: Office) -> None:
    login(client, office.manager)
    before = PartyClient.objects.count()
    response = client.post(reverse("parties:client_new"), {"kind": "company", "name": "Acme\u001b"})
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert PartyClient.objects.count() == before


@pytest.mark.django_db
def test_exports_survive_what_was_stored_before_the_rule(client: Client, desk: Desk) -> None:
    item = desk.submit(title="Poster")
    Item.objects.filter(pk=item.pk).update(title="Poster\u0007 with a bell\u001b")
    login(client, desk.head)
    xlsx = client.get(reverse("work:item_export", args=["xlsx"]))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert "Poster with a bell" in [c.value for c in sheet["B"]]
    exported = client.get(reverse("work:item_export", args=["csv"]))
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert [r[1] for r in csv.reader(io.StringIO(text))][1:] == ["Poster with a bell"]
