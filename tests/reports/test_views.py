"""The statistics page and its CSV export: wiring, figures, denials, query counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pult.access.models import Role
from pult.parties.models import Brand, Outlet
from pult.reports.permissions import VIEW_STATISTICS
from pult.work.models import Item, ItemType, Status
from tests.conftest import login
from tests.factories import make_member
from tests.reports.conftest import PERIOD, History, at
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db

URL = reverse("reports:statistics")
EXPORT = reverse("reports:statistics_export")


def _text(html: bytes) -> str:
    """The page's text with tags and runs of white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def _row(html: str, attribute: str, value: str) -> str:
    match = re.search(rf'<tr {attribute}="{re.escape(value)}">(.*?)</tr>', html, re.S)
    assert match, f"no row {attribute}={value}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_the_head_sees_the_figures(history: History, client: Client) -> None:
    login(client, history.head)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(response.content)
    assert "Design request" in text
    assert re.search(r'data-figure="filed">7<', html)
    assert re.search(r'data-figure="done">4<', html)
    assert re.search(r'data-figure="open">3<', html)
    assert re.search(r'data-figure="overdue-now">1<', html)
    assert re.search(r'data-figure="median">36\.0 h<', html)
    assert "75% (3 of 4)" in text  # finished on time
    assert "83% (5 of 6)" in text  # started on time
    # Per status: colour, icon and word, with the count.
    assert _row(html, "data-status", "in_progress") == "In progress 2"
    assert _row(html, "data-status", "closed") == "Closed 3"
    assert 'class="badge badge-info"' in html
    # Per designer: done, open, median, overdue share (count).
    dima = _row(html, "data-specialist", str(history.desk.designer.pk))
    assert dima == "Dima Designer 3 1 2.0 days 50% (2)"
    dasha = _row(html, "data-specialist", str(history.desk.designer2.pk))
    assert dasha == "Dasha Designer 1 1 10.0 h 0% (0)"
    # Weekly trend: filed and done per ISO week.
    assert _row(html, "data-week", "2025-01-13") == "week 3 · 01/13/2025 2 2"
    assert _row(html, "data-week", "2025-01-27") == "week 5 · 01/27/2025 3 0"
    # Per brand and per city.
    assert _row(html, "data-group", "Pizza Bella") == "Pizza Bella 6 4 2"
    assert _row(html, "data-group", "Perm") == "Perm 1 0 0"


def test_charts_are_accessible_inline_svg(history: History, client: Client) -> None:
    login(client, history.head)
    html = client.get(URL, PERIOD).content.decode()
    assert html.count('role="img"') == 2
    assert 'aria-label="Items filed and done per week"' in html
    assert "<title>Jan. 13: Filed — 2</title>" in html
    assert "<title>In progress: 2</title>" in html
    assert "style=" not in html.split('<main id="main"', 1)[1]  # CSP: no inline styles
    assert "<script" not in html.split('<main id="main"', 1)[1]


def test_numbers_and_dates_follow_the_language(history: History, client: Client) -> None:
    history.head.locale = "ru"
    history.head.save(update_fields=["locale"])
    login(client, history.head)
    response = client.get(URL, PERIOD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Статистика" in html or "Statistics" in html  # the catalogue may lag
    assert re.search(r'data-figure="median">36,0 ', html)
    assert "13.01.2025" in html
    assert "<title>13 января: " in html
    assert "75\u00a0%" in html


def test_every_specialist_has_one_row_in_the_readers_language(
    history: History, client: Client
) -> None:
    desk = history.desk
    desk.designer2.full_name = "Dasha <b>Designer</b>"
    desk.designer2.save(update_fields=["full_name"])
    history.head.locale = "ru"
    history.head.save(update_fields=["locale"])
    login(client, history.head)
    html = client.get(URL, PERIOD).content.decode()
    rows = re.findall(r'<tr data-specialist="(\d+)">', html)
    assert rows == [str(desk.designer2.pk), str(desk.designer.pk)]  # by name, each once
    dima = _row(html, "data-specialist", str(desk.designer.pk))
    assert dima == "Dima Designer 3 1 2,0 дн. 50 % (2)"
    assert "Dasha &lt;b&gt;Designer&lt;/b&gt;" in html
    assert _row(html, "data-specialist", str(desk.designer2.pk)).endswith("1 1 10,0 ч 0 % (0)")
    # A non-breaking space before the per cent sign, as in the summary.
    assert '<td class="num" data-col="overdue">50\u00a0% <span class="muted">(2)</span>' in html


def _specialists(html: str) -> list[str]:
    return re.findall(r'<tr data-specialist="(\d+)">', html)


def test_the_specialists_table_is_ordered_by_the_column_chosen(
    history: History, client: Client
) -> None:
    """Dasha: 1 done, 1 open, 10 h, 0 % overdue; Dima: 3 done, 1 open, 2 days, 50 %."""
    desk = history.desk
    dasha, dima = str(desk.designer2.pk), str(desk.designer.pk)
    login(client, history.head)
    orders = {
        "": [dasha, dima],  # by name
        "-name": [dima, dasha],
        "-done": [dima, dasha],
        "done": [dasha, dima],
        "-open": [dasha, dima],  # equal figures stay in name order
        "open": [dasha, dima],
        "median": [dasha, dima],
        "-median": [dima, dasha],
        "-overdue": [dima, dasha],
        "nonsense": [dasha, dima],  # an order no link gives: by name
    }
    for order, expected in orders.items():
        html = client.get(URL, {**PERIOD, "sort": order}).content.decode()
        assert _specialists(html) == expected, order

    html = client.get(URL, {**PERIOD, "sort": "-done"}).content.decode()
    heading = re.search(r'<th scope="col" class="num" aria-sort="descending">(.*?)</th>', html)
    assert heading and 'data-sort="done"' in heading.group(1)
    # Its link turns the order round; another column's starts with the largest figure.
    assert "sort=done#specialists" in heading.group(1).replace("&amp;", "&")
    assert re.search(r'href="\?[^"]*sort=-median#specialists" data-sort="median"', html)
    assert re.search(r'href="\?[^"]*sort=name#specialists" data-sort="name"', html)
    # Other filters keep the order; a new period starts from the first page.
    assert '<input type="hidden" name="sort" value="-done">' in html
    assert 'name="page"' not in html
    # The export has every row in the same order.
    rows = _csv(client.get(EXPORT, {**PERIOD, "table": "specialists", "sort": "-done"}))
    assert [r[0] for r in rows[1:]] == ["Dima Designer", "Dasha Designer"]


def test_the_specialists_table_comes_in_pages(
    history: History, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pult.reports import figures

    monkeypatch.setattr(figures, "SPECIALISTS_PER_PAGE", 1)
    desk = history.desk
    dasha, dima = str(desk.designer2.pk), str(desk.designer.pk)
    login(client, history.head)
    first = client.get(URL, PERIOD).content.decode()
    assert _specialists(first) == [dasha]
    assert "Page 1 of 2 · 2 specialists" in _text(first.encode())
    link = re.search(r'<a class="btn btn-small" rel="next" href="\?([^"#]*)#specialists"', first)
    assert link and 'rel="prev"' not in first
    second = client.get(URL + "?" + link.group(1).replace("&amp;", "&")).content.decode()
    assert _specialists(second) == [dima]
    assert _row(second, "data-specialist", dima) == "Dima Designer 3 1 2.0 days 50% (2)"
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # Ordered, then cut into pages: the most done first.
    assert _specialists(client.get(URL, {**PERIOD, "sort": "-done"}).content.decode()) == [dima]
    # A page past the end shows the last one; one that is not a number, the first.
    assert _specialists(client.get(URL, {**PERIOD, "page": "9"}).content.decode()) == [dima]
    assert _specialists(client.get(URL, {**PERIOD, "page": "x"}).content.decode()) == [dasha]


def test_defaults_without_parameters(history: History, client: Client) -> None:
    login(client, history.head)
    response = client.get(URL)
    assert response.status_code == 200
    today = timezone.localdate()
    html = response.content.decode()
    assert f'value="{today.isoformat()}"' in html
    monday = today - timedelta(days=today.weekday(), weeks=11)
    assert f'value="{monday.isoformat()}"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2025-02-10", "date_to": "2025-01-01"}, "The end of the period comes"),
        ({"date_from": "yesterday"}, "Enter a valid date."),
        ({"date_from": "2020-01-01", "date_to": "2025-01-01"}, "two years at most"),
        ({"item_type": "999999"}, "Select a valid choice."),
        ({"city": "Atlantis"}, "Select a valid choice."),
    ],
)
def test_bad_filters_get_an_inline_message(
    history: History, client: Client, params: dict[str, str], message: str
) -> None:
    login(client, history.head)
    response = client.get(URL, params)
    assert response.status_code == 400
    text = _text(response.content)
    assert message in text
    assert "No figures for these filters" in text
    assert client.get(EXPORT, {**params, "table": "brands"}).status_code == 400


def test_another_workspaces_type_is_not_a_choice(history: History, client: Client) -> None:
    from pult.presets.services import preset_load

    other = preset_load("design-desk", slug="other-desk")
    foreign = ItemType.objects.get(workspace=other)
    login(client, history.head)
    assert client.get(URL, {"item_type": foreign.pk}).status_code == 400


@pytest.mark.parametrize("who", ["applicant", "designer"])
def test_people_without_the_permission_are_refused(
    history: History, client: Client, who: str
) -> None:
    login(client, getattr(history.desk, who))
    assert client.get(URL, PERIOD).status_code == 403
    assert client.get(EXPORT, {**PERIOD, "table": "specialists"}).status_code == 403
    home = client.get("/").content.decode()
    assert URL not in home


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_shows_the_page_to_the_head(history: History, client: Client) -> None:
    login(client, history.head)
    assert f'href="{URL}"' in client.get("/").content.decode()


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_export_specialists(history: History, client: Client) -> None:
    login(client, history.head)
    rows = _csv(client.get(EXPORT, {**PERIOD, "table": "specialists"}))
    assert rows == [
        [
            "Specialist",
            "Done in the period",
            "Open now",
            "Median lead time, hours",
            "Overdue",
            "Overdue, %",
        ],
        ["Dasha Designer", "1", "1", "10.0", "0", "0.0"],
        ["Dima Designer", "3", "1", "48.0", "2", "50.0"],
    ]


def test_export_brands_and_cities_follow_the_filters(history: History, client: Client) -> None:
    login(client, history.head)
    rows = _csv(client.get(EXPORT, {**PERIOD, "table": "brands"}))
    assert rows == [
        ["Brand", "Filed", "Done", "Overdue"],
        ["Pizza Bella", "6", "4", "2"],
        ["Burger Bro", "1", "0", "0"],
    ]
    rows = _csv(client.get(EXPORT, {**PERIOD, "table": "cities", "brand": history.burger.pk}))
    assert rows == [["City", "Filed", "Done", "Overdue"], ["Kazan", "1", "0", "0"]]
    assert client.get(EXPORT, {**PERIOD, "table": "secrets"}).status_code == 400


def test_export_quotes_what_a_spreadsheet_would_run(history: History, client: Client) -> None:
    Brand.objects.filter(pk=history.burger.pk).update(name="=HYPERLINK(1)")
    login(client, history.head)
    rows = _csv(client.get(EXPORT, {**PERIOD, "table": "brands"}))
    assert ["'=HYPERLINK(1)", "1", "0", "0"] in rows


def test_the_page_links_to_exports_with_its_filters(history: History, client: Client) -> None:
    login(client, history.head)
    html = client.get(URL, {**PERIOD, "city": "Kazan"}).content.decode()
    assert "table=specialists" in html and "city=Kazan" in html and "date_from=2025-01-06" in html


def test_an_empty_period_says_so(history: History, client: Client) -> None:
    Item.objects.filter(workspace=history.desk.workspace).delete()
    login(client, history.head)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    assert "Nothing to count yet" in _text(response.content)


# --- Query counts ---------------------------------------------------------------------


def _grow(desk: Desk, items: int, people: int, brands: int) -> None:
    """Many items spread over many designers, brands and cities, written in bulk."""
    workspace = desk.workspace
    item_type = ItemType.objects.get(workspace=workspace, key="design-request")
    statuses = list(Status.objects.filter(item_type=item_type))
    designer_role = Role.objects.get(workspace=workspace, name="Designer")
    designers = [make_member(workspace, roles=[designer_role]) for _ in range(people)]
    start = Brand.objects.filter(workspace=workspace).count()
    outlets = []
    for n in range(brands):
        brand = Brand.objects.create(workspace=workspace, name=f"Brand {start + n}")
        outlets.append(
            Outlet.objects.create(
                workspace=workspace, brand=brand, city=f"City {start + n}", number=str(n)
            )
        )
    number = item_type.last_number
    rows = []
    for n in range(items):
        status = statuses[n % len(statuses)]
        submitted = at(1, 6 + n % 25, 9)
        closed = submitted + timedelta(hours=5 + n % 40) if status.category == "closed" else None
        rows.append(
            Item(
                workspace=workspace,
                item_type=item_type,
                number=number + n + 1,
                title=f"Bulk {n}",
                status=status,
                category=status.category,
                requester=desk.applicant,
                outlet=outlets[n % len(outlets)],
                submitted_at=submitted,
                queue_at=submitted,
                started_at=submitted + timedelta(hours=1),
                start_at=submitted + timedelta(hours=2),
                due_at=submitted + timedelta(hours=20),
                closed_at=closed,
            )
        )
    created = Item.objects.bulk_create(rows)
    item_type.last_number = number + items
    item_type.save(update_fields=["last_number"])
    Through = Item.assignees.through
    Through.objects.bulk_create(
        Through(item_id=item.pk, user_id=designers[i % len(designers)].pk)
        for i, item in enumerate(created)
    )


def _count(client: Client, django_assert_max_num_queries: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, PERIOD).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_data(
    history: History, client: Client, django_assert_max_num_queries: Any
) -> None:
    login(client, history.head)
    _count(client, django_assert_max_num_queries)  # warm per-process caches
    _grow(history.desk, items=30, people=3, brands=3)
    small = _count(client, django_assert_max_num_queries)
    _grow(history.desk, items=300, people=30, brands=30)
    large = _count(client, django_assert_max_num_queries)
    assert large == small, f"{small} queries with 30 items, {large} with 330"
    with django_assert_max_num_queries(small):
        client.get(URL, PERIOD)
    # The budget of every page (issue 5): shell, filters and figures in 15 statements.
    with django_assert_max_num_queries(15):
        client.get(URL, PERIOD)
    # The CSV export is as flat.
    with django_assert_max_num_queries(15):
        assert client.get(EXPORT, {**PERIOD, "table": "brands"}).status_code == 200


def test_permission_is_in_the_catalogue() -> None:
    from pult.access.catalogue import all_codes

    assert VIEW_STATISTICS in all_codes()
