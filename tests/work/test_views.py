"""Work pages as people use them: filing, the track list, the queue, steps, lists."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pult.desk import services as desk_services
from pult.work import services
from pult.work.models import Item, SavedView
from tests.conftest import login
from tests.work.conftest import TASK, Desk
from tests.work.test_stages import Office, office  # noqa: F401

pytestmark = pytest.mark.django_db


def _as(client: Client, user: Any) -> Client:
    client.logout()
    login(client, user)
    return client


def _form(desk: Desk, **values: str) -> dict[str, Any]:
    return {"title": "Autumn poster", "outlet": desk.outlet.pk, **TASK, **values}


def test_an_incomplete_form_is_refused_field_by_field(client: Client, desk: Desk) -> None:
    _as(client, desk.applicant)
    response = client.post(reverse("work:item_new"), _form(desk, size="", texts=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="field has-error"') == 2
    assert "Format and sizes" in page and "Texts for the layout" in page
    assert not Item.objects.exists()


def test_filing_shows_the_request_with_its_place(client: Client, desk: Desk) -> None:
    desk.submit(applicant=desk.stranger, title="Someone else's")
    _as(client, desk.applicant)
    response = client.post(reverse("work:item_new"), _form(desk))
    item = Item.objects.get(requester=desk.applicant)
    assert response.status_code == 302
    assert response["Location"] == reverse("work:item_detail", args=[item.pk])
    assert item.values == TASK and item.outlet == desk.outlet
    track = client.get(reverse("desk:track")).content.decode()
    assert item.reference in track and "1 ahead of yours" in track


def test_the_track_list_pages_and_each_page_keeps_the_real_places(
    client: Client, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pult.work import selectors

    monkeypatch.setattr(selectors, "TRACK_PAGE", 2)
    desk.submit(applicant=desk.stranger, title="Someone else's")
    first, second, third = (desk.submit(title=f"Poster {n}") for n in range(3))
    _as(client, desk.applicant)
    page = client.get(reverse("desk:track")).content.decode()
    # Newest first: the third and second on the first page, each at its own place.
    assert third.reference in page and second.reference in page
    assert first.reference not in page
    assert 'data-ahead="3"' in page and 'data-ahead="2"' in page
    assert f"after={second.pk}" in page and 'data-live-rows="/items/mine/rows/"' in page
    more = client.get(reverse("desk:track"), {"after": second.pk}).content.decode()
    assert first.reference in more and 'data-ahead="1"' in more
    assert third.reference not in more
    # The live refresh of the second page re-renders the second page.
    assert f'data-live-rows="{reverse("desk:track_rows")}?after={second.pk}"' in more
    rows = client.get(reverse("desk:track_rows"), {"after": second.pk}).content.decode()
    assert first.reference in rows and third.reference not in rows


def test_urgent_moves_a_request_ahead_of_mine(client: Client, desk: Desk) -> None:
    mine = desk.submit()
    other = desk.submit(applicant=desk.stranger)
    _as(client, desk.head)
    client.post(reverse("work:item_urgent", args=[other.pk]), {"urgent": "1"})
    _as(client, desk.applicant)
    rows = client.get(reverse("desk:track_rows")).content.decode()
    assert mine.reference in rows and "1 ahead of yours" in rows
    _as(client, desk.applicant)
    response = client.post(reverse("work:item_urgent", args=[mine.pk]), {"urgent": "1"})
    assert response.status_code == 403
    assert "Only the head marks requests urgent." in response.content.decode()
    mine.refresh_from_db()
    assert mine.urgent_at is None  # only the head marks urgent


def test_a_similar_open_request_is_offered_to_join(client: Client, desk: Desk) -> None:
    existing = desk.submit(applicant=desk.neighbour, title="Summer poster for the hall")
    _as(client, desk.applicant)
    offered = client.post(reverse("work:item_new"), _form(desk, title="Poster for the terrace"))
    assert offered.status_code == 200
    assert existing.reference in offered.content.decode()
    assert Item.objects.count() == 1
    joined = client.post(reverse("work:item_new"), {"join": str(existing.pk)})
    assert joined["Location"] == reverse("work:item_detail", args=[existing.pk])
    assert existing.watchers.filter(pk=desk.applicant.pk).exists()
    anyway = client.post(
        reverse("work:item_new"),
        {**_form(desk, title="Poster for the terrace"), "file_anyway": "1"},
    )
    assert anyway.status_code == 302 and Item.objects.count() == 2


def test_designer_takes_next_and_steps_through(client: Client, desk: Desk) -> None:
    item = desk.submit()
    _as(client, desk.designer)
    response = client.post(reverse("desk:take_next"))
    assert response["Location"] == reverse("work:item_detail", args=[item.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="in_progress"' in page and 'data-step="ask_clarification"' in page
    assert "Needs: a deliverable file" in page  # "Complete" is shown disabled, saying why
    refused = client.post(reverse("work:item_step", args=[item.pk, "ask_clarification"]), {})
    assert refused.status_code == 400  # the page again, saying what is missing
    assert "This step needs: a comment." in refused.content.decode()
    item.refresh_from_db()
    assert item.status.key == "in_progress"
    client.post(
        reverse("work:item_step", args=[item.pk, "ask_clarification"]),
        {"comment": "Which logo?"},
    )
    item.refresh_from_db()
    assert item.status.key == "clarification"


def test_an_outsider_gets_404_everywhere(client: Client, desk: Desk) -> None:
    item = desk.submit()
    _as(client, desk.stranger)
    for name in ("item_detail", "item_fields", "item_urgent", "item_watch", "item_move"):
        method = client.get if name == "item_detail" else client.post
        assert method(reverse(f"work:{name}", args=[item.pk])).status_code == 404, name
    assert client.post(reverse("work:item_step", args=[item.pk, "accept"])).status_code == 404
    export = client.get(reverse("work:item_export", args=["csv"]))
    assert item.reference not in b"".join(export.streaming_content).decode("utf-8-sig")
    assert item.reference not in client.get(reverse("desk:track")).content.decode()
    search = client.get(reverse("ui:search"), {"q": item.title}).content.decode()
    assert item.reference not in search
    desk.deliver(item, actor=desk.head)
    attachment = item.attachments.get()
    download = reverse("documents:attachment_download", args=[attachment.pk])
    assert client.get(download).status_code == 404
    _as(client, desk.neighbour)  # the same outlet sees it
    assert client.get(download).status_code == 200


def test_kanban_drag_goes_through_the_pipeline(client: Client, desk: Desk) -> None:
    item = desk.submit()
    _as(client, desk.designer)
    move = reverse("work:item_move", args=[item.pk])
    refused = client.post(move, {"to": "completed"})
    assert refused.status_code == 409
    assert "No step leads" in refused.content.decode()
    assert client.post(move, {"to": "in_progress"}).status_code == 204
    item.refresh_from_db()
    assert item.status.key == "in_progress" and desk.designer in item.assignees.all()
    board = client.get(reverse("work:item_list"), {"view": "kanban"}).content.decode()
    assert 'data-drop="in_progress"' in board and item.reference in board


def test_filters_and_exports_agree(client: Client, desk: Desk) -> None:
    poster = desk.submit(title="Poster")
    leaflet = desk.submit(title="Leaflet", material_type="leaflet")
    desk.submit(applicant=desk.stranger, title="Banner", material_type="banner")
    _as(client, desk.head)
    query = {"f_material_type": "leaflet", "city": "Kazan"}
    listed = client.get(reverse("work:item_list"), query).content.decode()
    assert leaflet.reference in listed and poster.reference not in listed
    exported = client.get(reverse("work:item_export", args=["csv"]), query)
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [leaflet.reference]
    xlsx = client.get(reverse("work:item_export", args=["xlsx"]), query)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet["A"]][1:] == [leaflet.reference]
    bad = client.get(reverse("work:item_list"), {"submitted_from": "yesterday"})
    assert bad.status_code == 200 and "Enter a date as YYYY-MM-DD." in bad.content.decode()


def _row_of(page: str, reference: str) -> str:
    start = page.index(f">{reference}</a>")
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def test_each_row_of_the_list_names_what_the_item_page_does(client: Client, desk: Desk) -> None:
    taken = desk.submit(title="Taken poster")
    desk_services.work_item_take_next(
        actor=desk.designer, workspace=desk.workspace, item_type_key="design-request"
    )
    waiting = desk.submit(title="Waiting poster")
    services.work_item_set_urgent(
        actor=desk.head, workspace=desk.workspace, item_id=waiting.pk, urgent=True
    )
    taken.refresh_from_db()
    page = _as(client, desk.head).get(reverse("work:item_list")).content.decode()
    row = _row_of(page, taken.reference)
    assert f'href="{reverse("work:item_detail", args=[taken.pk])}"' in row
    assert "Taken poster" in row and "data-urgent" not in row
    assert f'data-status="{taken.status.key}"' in row and taken.status.name in row
    outlet = desk.outlet
    assert f"{outlet.brand.name} · {outlet.city}, №{outlet.number}" in row
    assert desk.applicant.full_name in row and desk.designer.full_name in row
    row = _row_of(page, waiting.reference)
    assert "data-urgent" in row and 'data-status="new"' in row
    assert desk.designer.full_name not in row


def test_an_orders_row_names_its_client_and_contract(
    client: Client,
    office: Office,  # noqa: F811
) -> None:
    item = office.order()
    page = _as(client, office.manager).get(reverse("work:item_list")).content.decode()
    assert "Zavod LLC · C-2026/7" in _row_of(page, item.reference)


def test_saved_views(client: Client, desk: Desk) -> None:
    _as(client, desk.head)
    client.post(
        reverse("work:saved_view_save"), {"name": "Leaflets", "query": "f_material_type=leaflet"}
    )
    view = SavedView.objects.get(user=desk.head)
    assert "Leaflets" in client.get(reverse("work:item_list")).content.decode()
    _as(client, desk.designer)
    assert client.post(reverse("work:saved_view_delete", args=[view.pk])).status_code == 404
    assert client.post(reverse("work:saved_view_save"), {"name": " "}).status_code == 302
    assert SavedView.objects.count() == 1


def test_the_head_overrides_dates_with_a_reason(client: Client, desk: Desk) -> None:
    item = desk.submit()
    _as(client, desk.head)
    url = reverse("work:item_dates", args=[item.pk])
    client.post(url, {"due_at": "2030-01-10T12:00", "reason": ""})
    item.refresh_from_db()
    assert not item.dates_fixed
    client.post(url, {"due_at": "2030-01-10T12:00", "reason": "Printer is closed"})
    item.refresh_from_db()
    assert item.dates_fixed and item.due_at and item.due_at.year == 2030
    page = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assert "Printer is closed" in page


def _many(desk: Desk, n: int) -> None:
    for i in range(n):
        desk.submit(title=f"Poster {i}")
        desk.submit(applicant=desk.stranger, title=f"Other {i}")


@pytest.mark.parametrize(
    ("who", "url", "params"),
    [
        ("applicant", "desk:track", {}),
        ("applicant", "work:archive", {}),
        ("head", "desk:queue", {}),
        ("head", "work:item_list", {}),
        ("head", "work:item_list", {"view": "kanban"}),
        ("head", "work:item_list", {"view": "calendar"}),
    ],
)
def test_query_counts_are_flat(
    client: Client,
    desk: Desk,
    django_assert_max_num_queries: Any,
    who: str,
    url: str,
    params: dict[str, str],
) -> None:
    _as(client, getattr(desk, who))
    _many(desk, 2)
    client.get(reverse(url), params)  # warm caches (permissions, content types)
    with django_assert_max_num_queries(30) as small:
        client.get(reverse(url), params)
    _many(desk, 12)
    for item in Item.objects.filter(requester=desk.applicant)[:6]:
        desk_services.work_item_take_next(
            actor=desk.designer, workspace=desk.workspace, item_type_key="design-request"
        )
        del item
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(url), params)
    assert response.status_code == 200


def test_search_forgives_typos_and_respects_visibility(client: Client, desk: Desk) -> None:
    item = desk.submit(title="Плакат летнего меню")
    _as(client, desk.applicant)
    found = client.get(reverse("ui:search"), {"q": "плакт летнего"}).content.decode()
    assert item.reference in found
    assert (
        item.reference in client.get(reverse("ui:search"), {"q": item.reference}).content.decode()
    )
    _as(client, desk.stranger)
    hidden = client.get(reverse("ui:search"), {"q": "Плакат летнего меню"}).content.decode()
    assert item.reference not in hidden


def test_the_item_page_is_flat_in_messages_files_and_history(
    client: Client, desk: Desk, django_assert_max_num_queries: Any
) -> None:
    from pult.chat.services import message_post

    item = desk.submit()
    desk_services.work_item_take_next(
        actor=desk.designer, workspace=desk.workspace, item_type_key="design-request"
    )
    _as(client, desk.applicant)
    url = reverse("work:item_detail", args=[item.pk])

    def grow(n: int) -> None:
        for i in range(n):
            message_post(
                actor=desk.designer, workspace=desk.workspace, item_id=item.pk, body=f"Q{i}"
            )
            message_post(
                actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, body=f"A{i}"
            )
            desk.deliver(item, name=f"v{i}.png")

    grow(1)
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    grow(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_reference_files_go_with_the_request_or_nothing_is_filed(
    client: Client, desk: Desk
) -> None:
    import io as _io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = _io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(buffer, "PNG")
    _as(client, desk.applicant)
    bad = SimpleUploadedFile("logo.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    good = SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")
    refused = client.post(reverse("work:item_new"), {**_form(desk), "references": [good, bad]})
    assert refused.status_code == 400
    assert "logo.pdf" in refused.content.decode()
    assert not Item.objects.exists()
    good.seek(0)
    filed = client.post(reverse("work:item_new"), {**_form(desk), "references": [good]})
    assert filed.status_code == 302
    item = Item.objects.get()
    assert [(a.kind, a.original_name) for a in item.attachments.all()] == [("input", "logo.png")]


def test_the_assignee_selects_list_the_specialists_with_the_chosen_one_selected(
    client: Client, desk: Desk
) -> None:
    from pult.accounts.models import User

    User.objects.filter(pk=desk.designer2.pk).update(full_name="Zoë <Senior> & Co")
    item = desk.submit()
    _as(client, desk.head)
    page = client.get(reverse("work:item_list"), {"assignee": desk.designer.pk}).content.decode()
    select = page[
        page.index('id="f-assignee"') : page.index("</select>", page.index('id="f-assignee"'))
    ]
    assert (
        f'<option value="{desk.designer.pk}" selected>{desk.designer.full_name}</option>' in select
    )
    assert f'<option value="{desk.designer2.pk}">Zoë &lt;Senior&gt; &amp; Co</option>' in select
    assert desk.applicant.full_name not in select  # only people who take work
    detail = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assign = detail[
        detail.index('id="assignee"') : detail.index("</select>", detail.index('id="assignee"'))
    ]
    assert f'<option value="{desk.designer.pk}">{desk.designer.full_name}</option>' in assign
    assert "selected" not in assign
