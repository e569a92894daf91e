"""The P1 story in a real browser: an applicant files a design request and watches its
place in the queue move live; a designer takes it, asks a question in the chat, delivers
a file, reworks it once; the applicant accepts and downloads the result from the archive;
the head sees it counted in the statistics. Each person has a browser of their own."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from pult.desk import services as desk_services
from pult.work.models import Item
from tests.browser.conftest import log_in, settle_notifications
from tests.work.conftest import Desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Summer terrace poster"
ITEM_URL = re.compile(r"/items/(\d+)/$")
LIVE = 15_000  # ms: a socket push and a refetch, with room for a slow machine


def status_badge(page: Page) -> Locator:
    return page.locator(".item-head [data-status]")


def take_step(page: Page, key: str, label: str, comment: str = "") -> None:
    """Clicks a step on the item page; a step that needs a comment opens its form first."""
    if comment:
        page.locator("details.step-form summary", has_text=label).click()
        page.locator(f"form[action$='/step/{key}/'] textarea[name=comment]").fill(comment)
    page.locator(f"button[data-step={key}]").click()


def send_in_chat(page: Page, text: str) -> None:
    chat = page.locator("[data-chat]")
    expect(chat.locator("[data-chat-live]")).to_be_visible(timeout=LIVE)
    chat.locator("[data-chat-body]").fill(text)
    chat.get_by_role("button", name="Send").click()
    expect(chat.locator("[data-chat-list]")).to_contain_text(text, timeout=LIVE)
    expect(chat.locator("[data-chat-body]")).to_have_value("")


def test_a_design_request_from_filing_to_the_archive(
    live_url: str, desk: Desk, new_page: Callable[..., Page], tmp_path: Path
) -> None:
    # Another outlet filed first: one request waits ahead of the applicant's.
    earlier = desk.submit(applicant=desk.stranger, title="Perm leaflet")

    # --- 1. The applicant files an incomplete technical task: refused field by field.
    applicant = new_page()
    log_in(applicant, desk.applicant.email)
    applicant.goto("/items/mine/")
    applicant.get_by_role("link", name="New request").click()
    expect(applicant).to_have_url(re.compile(r"/items/new/$"))
    applicant.get_by_label("Short title").fill(TITLE)
    applicant.get_by_label("Material type").select_option("poster")
    applicant.get_by_label("Creative wishes").fill("Bright, with the new logo")
    applicant.get_by_role("button", name="File the request").click()

    expect(applicant.locator("[data-form-summary]")).to_be_visible()
    for field_id in ("id_size", "id_texts"):
        field = applicant.locator(".field.has-error").filter(has=applicant.locator(f"#{field_id}"))
        expect(field.locator(".errorlist")).to_contain_text("This field is required.")
    expect(applicant.locator(".field.has-error")).to_have_count(2)
    assert not Item.objects.filter(requester=desk.applicant).exists()

    # --- 2. Every field filled: filed, and the track list shows its place in the queue.
    applicant.get_by_label("Format and sizes").fill("A2 portrait")
    applicant.get_by_label("Texts for the layout").fill("Summer terrace is open!\nFrom 12:00")
    applicant.get_by_role("button", name="File the request").click()
    expect(applicant).to_have_url(ITEM_URL)
    match = ITEM_URL.search(applicant.url)
    assert match is not None
    item = Item.objects.get(pk=int(match.group(1)))
    assert item.requester == desk.applicant and item.values["size"] == "A2 portrait"
    item_url = f"/items/{item.pk}/"
    expect(applicant.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(status_badge(applicant)).to_have_text("New")
    expect(applicant.locator(".item-head [data-position]")).to_have_text("1 ahead of yours")

    applicant.goto("/items/mine/")
    row = applicant.locator(f'#track-rows tr[data-item="{item.pk}"]')
    expect(row).to_contain_text(TITLE)
    expect(row.locator("[data-ahead]")).to_have_text("1 ahead of yours")
    expect(applicant.locator("body")).to_have_attribute("data-queue-live", "on", timeout=LIVE)

    # --- 3. A neighbour files later; the head marks that one urgent. The applicant's
    # open track page moves its request back a place without a reload.
    later = desk.submit(applicant=desk.neighbour, title="Neighbour banner")
    head = new_page()
    log_in(head, desk.head.email)
    head.goto("/items/queue/")
    queue_row = head.locator(f'[data-live-queue] tr[data-item="{later.pk}"]')
    queue_row.get_by_role("button", name="Mark urgent").click()
    expect(queue_row.locator("[data-urgent]")).to_be_visible()
    expect(head.locator("[data-live-queue] tbody tr").first).to_have_attribute(
        "data-item", str(later.pk)
    )

    expect(row.locator("[data-ahead]")).to_have_text("2 ahead of yours", timeout=LIVE)

    # --- The stranger (another outlet) cannot open the applicant's request.
    stranger = new_page()
    log_in(stranger, desk.stranger.email)
    response = stranger.goto(item_url)
    assert response is not None and response.status == 404
    expect(stranger.locator("main")).to_contain_text("Page not found")
    expect(stranger.locator("main")).not_to_contain_text(TITLE)

    # --- 4. The other designer has taken the two ahead; the designer takes the next:
    # the applicant's request. The applicant's track page shows it started.
    for expected in (later, earlier):
        taken = desk_services.work_item_take_next(
            actor=desk.designer2, workspace=desk.workspace, item_type_key="design-request"
        )
        assert taken.pk == expected.pk
    designer = new_page()
    log_in(designer, desk.designer.email)
    designer.goto("/items/queue/")
    designer.get_by_role("button", name="Take the next request").click()
    expect(designer).to_have_url(re.compile(rf"{item_url}$"))
    expect(designer.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(status_badge(designer)).to_have_text("In progress")
    expect(row.locator('[data-status="in_progress"]')).to_be_visible(timeout=LIVE)
    expect(row.locator("[data-ahead]")).to_have_text("—")

    # The designer asks in the chat and pauses the work for clarification; the
    # applicant, with the request open, sees the question arrive.
    applicant.goto(item_url)
    expect(applicant.locator("[data-chat] [data-chat-live]")).to_be_visible(timeout=LIVE)
    question = "Which logo: the old round one or the new one?"
    send_in_chat(designer, question)
    take_step(designer, "ask_clarification", "Ask for clarification", "Waiting for the logo")
    expect(status_badge(designer)).to_have_text("Needs clarification")
    expect(applicant.locator("[data-chat-list]")).to_contain_text(question, timeout=LIVE)
    # The step's own text is part of the conversation too, marked with the step.
    expect(applicant.locator("[data-chat-list]")).to_contain_text(
        "Waiting for the logo", timeout=LIVE
    )
    expect(applicant.locator("[data-chat-step]").first).to_have_text("Ask for clarification")

    applicant.reload()
    expect(status_badge(applicant)).to_have_text("Needs clarification")
    answer = "The new one, please."
    send_in_chat(applicant, answer)
    take_step(applicant, "answer", "Send the answer", "The new logo; see the chat.")
    expect(status_badge(applicant)).to_have_text("In progress")
    expect(designer.locator("[data-chat-list]")).to_contain_text(answer, timeout=LIVE)

    # --- 5. The designer attaches the result (a real PNG) and completes the request.
    # Pictures are decoded and written again on upload (metadata dropped); a PNG saved
    # the way Pult writes one is kept byte for byte, so the download can be compared.
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), "orange").save(buffer, "PNG", optimize=True)
    png = tmp_path / "terrace-poster.png"
    png.write_bytes(buffer.getvalue())

    designer.reload()
    expect(status_badge(designer)).to_have_text("In progress")
    expect(designer.locator("button[data-step=complete]")).to_have_count(0)  # blocked: no file
    files = designer.locator("[data-attachments]")
    files.locator("input[type=file]").set_input_files(png)
    files.get_by_label("This is").select_option("deliverable")
    files.get_by_role("button", name="Attach").click()
    expect(designer.locator('[data-attachment-list="deliverable"]')).to_contain_text(png.name)
    take_step(designer, "complete", "Complete")
    expect(status_badge(designer)).to_have_text("Completed")

    # --- 6. The applicant returns it once; the designer completes again; accepted.
    applicant.reload()
    expect(status_badge(applicant)).to_have_text("Completed")
    take_step(applicant, "return_for_revision", "Return for revision", "Make the date bigger.")
    expect(status_badge(applicant)).to_have_text("For revision")

    designer.reload()
    expect(status_badge(designer)).to_have_text("For revision")
    # The designer reads why, in the chat and in the bell's inbox.
    expect(designer.locator("[data-chat-list]")).to_contain_text("Make the date bigger.")
    settle_notifications()
    designer.goto("/notifications/")
    expect(designer.locator("[data-inbox]")).to_contain_text("Make the date bigger.")
    designer.goto(item_url)
    take_step(designer, "complete", "Complete")
    expect(status_badge(designer)).to_have_text("Completed")

    applicant.reload()
    take_step(applicant, "accept", "Accept")
    expect(status_badge(applicant)).to_have_text("Closed")
    expect(applicant.locator(".item-head button[data-step]")).to_have_count(0)

    # --- 7. In the archive the applicant finds it and downloads the result.
    applicant.goto("/items/mine/")
    expect(applicant.locator(f'#track-rows tr[data-item="{item.pk}"]')).to_have_count(0)
    applicant.get_by_role("link", name="Archive").first.click()
    expect(applicant).to_have_url(re.compile(r"/items/archive/$"))
    applicant.get_by_label("Find in the archive").fill(TITLE)
    applicant.get_by_role("button", name="Find").click()
    archived = applicant.locator("main tbody tr", has_text=TITLE)
    expect(archived).to_have_count(1)
    expect(archived.locator("[data-status]")).to_have_text("Closed")
    with applicant.expect_download() as download_info:
        archived.get_by_role("link", name=png.name).click()
    download = download_info.value
    assert download.suggested_filename == png.name
    assert Path(download.path()).read_bytes() == png.read_bytes()

    # --- 8. The head sees the request counted in the statistics.
    head.goto("/reports/statistics/")
    expect(head.get_by_role("heading", level=1)).to_have_text("Statistics")
    specialists = head.locator('[data-table="specialists"]')
    designer_row = specialists.locator(f'tr[data-specialist="{desk.designer.pk}"]')
    expect(designer_row).to_contain_text(desk.designer.full_name)
    expect(designer_row.locator("[data-col=done]")).to_have_text("1")
    expect(designer_row.locator("[data-col=open]")).to_have_text("0")
    closed = head.locator('[data-table="statuses"] tr[data-status="closed"] td.num')
    expect(closed).to_have_text("1")
    expect(head.locator("[data-figure=done]")).to_have_text("1")
