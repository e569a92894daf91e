"""The P2 story in a real browser: a staged, signed-off expertise order walked through
every stage of the preset, each person in a browser of their own. The manager adds a
client and its contract, files an order for it from the client's page, fills and signs
Dept 1, and sees what archiving still needs (every stage); finance enters the payment,
its sign-off is refused while the manager has withdrawn Dept 1's (the stages are signed
in their order, and the page says which comes first), then signs once Dept 1 is signed
again, and the manager hears of the payment (inbox and e-mail) while Dept 4 does not;
"spec sent" reaches the head of
Dept 3, who names the expert (who hears of it) and signs Dept 3 off; the expert's sign-off
is refused while the checks are empty, then each check reaches finance and "expertise
done" Dept 4 as well; Dept 4's state-body steps each reach finance, and its sign-off is
refused until the last one is done; the archive stage is refused until its fields are
filled (finance ticks the acts and the original contract, the manager the dates), then
the order is archived and its page offers no change any more; the validity reminder
reaches the manager when the clock passes its time. Every step checks who heard of it,
and that nobody else did."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time
from playwright.sync_api import Locator, Page, expect

from pult.access.models import Role
from pult.accounts.models import User
from pult.desk.expiry import warn_at
from pult.notifications.models import Notification
from pult.parties.models import Client, Contract
from pult.presets.services import preset_load
from pult.work.models import Item
from tests.browser.conftest import log_in, settle_notifications
from tests.conftest import SmtpServer
from tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT_URL = re.compile(r"/clients/(\d+)/$")
TITLE = "Expertise of the plant project"
FINANCE_GAPS = "Legal entity, Payment amount, Payment date, Payment order number"
ARCHIVE_GAPS = (
    "Act issued, Act signed by the client, Original contract received, Registration date, "
    "Valid until"
)


def stage(page: Page, key: str) -> Locator:
    return page.locator(f"[data-stages] [data-stage={key}]")


def save_stage(page: Page, key: str) -> None:
    stage(page, key).get_by_role("button", name="Save changes").click()
    expect(page.locator(".toast-success")).to_contain_text("Saved.")


def sign_stage(page: Page, key: str) -> None:
    stage(page, key).locator(f"button[data-sign={key}]").click()


def mailed(smtp: SmtpServer) -> list[str]:
    """Runs the worker in this thread (it sends the outbox) and empties the mailbox."""
    settle_notifications()
    call_command("worker", batch=True)
    addresses = sorted(str(m["To"]) for m in smtp.mailbox.messages)
    smtp.mailbox.messages.clear()
    return addresses


def test_an_expertise_order_through_its_stages(
    live_url: str, new_page: Callable[..., Page], smtp: SmtpServer
) -> None:
    workspace = preset_load("expertise-orders", slug="orders-journey")
    roles = {r.name: r for r in Role.objects.filter(workspace=workspace)}

    def person(role: str, key: str, name: str) -> User:
        return make_member(
            workspace, roles=[roles[role]], email=f"{key}@example.com", full_name=name
        )

    manager = person("Manager", "manager", "Marina Manager")
    finance = person("Finance", "finance", "Fedor Finance")
    head3 = person("Head of Dept 3", "head3", "Gleb Head")
    expert = person("Expert", "expert", "Elena Expert")
    dept4 = person("Dept 4", "dept4", "Denis Four")

    def tally() -> dict[str, int]:
        """Who has been told anything so far (in-app or by e-mail), by full name."""
        counts = {u.full_name: 0 for u in (manager, finance, head3, expert, dept4)}
        for name in Notification.objects.values_list("recipient__full_name", flat=True):
            counts[name] += 1
        return {name: n for name, n in counts.items() if n}

    # --- 1. The manager adds the client and its contract.
    boss = new_page()
    log_in(boss, manager.email)
    boss.goto("/clients/new/")
    boss.get_by_label("Company name").fill("Zavod LLC")
    boss.get_by_role("button", name="Add the client").click()
    expect(boss).to_have_url(CLIENT_URL)
    expect(boss.get_by_role("heading", level=1)).to_have_text("Zavod LLC")
    boss.locator("summary", has_text="Add a contract").click()
    boss.get_by_label("Contract number").fill("C-2026/7")
    boss.get_by_label("Contract sum").fill("120000")
    boss.locator("form[action$='/contracts/']").get_by_role("button", name="Add").click()
    expect(boss.locator("tr[data-contract]")).to_contain_text("C-2026/7")
    client = Client.objects.get(workspace=workspace, name="Zavod LLC")
    contract = Contract.objects.get(client=client)
    client_url = boss.url

    # The manager files the order from the client's page: the contract is picked from
    # the client's own, the manager is preset to them; saving lands on the order.
    boss.get_by_role("link", name="New order").click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("New order: Zavod LLC")
    expect(boss.get_by_label("Manager")).to_have_value(str(manager.pk))
    boss.get_by_label("Short title").fill(TITLE)
    boss.get_by_label("Contract").select_option(label="C-2026/7")
    boss.get_by_role("button", name="File the order").click()
    expect(boss.locator(".toast-success")).to_contain_text("Order ORD-00001 filed.")
    order = Item.objects.get(workspace=workspace, title=TITLE)
    item_url = f"/items/{order.pk}/"
    expect(boss).to_have_url(re.compile(rf"{item_url}$"))
    panel = boss.locator("[data-order-parties]")
    expect(panel.locator("[data-order-client]")).to_have_text("Zavod LLC")
    expect(panel.locator("[data-order-contract]")).to_have_text("C-2026/7")
    expect(panel.locator("[data-order-manager]")).to_have_text("Marina Manager")
    assert (order.client, order.contract, order.manager) == (client, contract, manager)
    assert mailed(smtp) == []  # filing tells nobody under the preset's rules

    boss.goto(client_url)
    row = boss.locator(f"tr[data-order='{order.pk}']")
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("C-2026/7")
    row.get_by_role("link", name=order.reference).click()
    expect(boss).to_have_url(re.compile(rf"{item_url}$"))
    expect(boss.get_by_role("heading", level=1)).to_contain_text(TITLE)

    # --- 2. Dept 1: filled and signed by the manager.
    sales = stage(boss, "sales")
    sales.get_by_label("Payment terms").fill("50% upfront")
    sales.locator("[name=v-fee]").fill("120000")
    sales.get_by_label("Subcontractor amount").fill("20000")
    sales.get_by_label("Manager's comments").fill("Client is in a hurry")
    save_stage(boss, "sales")
    sign_stage(boss, "sales")
    expect(boss.locator(".toast-success")).to_contain_text("Signed off.")
    expect(stage(boss, "sales").locator("[data-signoff]")).to_contain_text(
        "Signed by Marina Manager"
    )

    # The client confirms; the work starts. Archiving needs every stage signed, and the
    # page says exactly what each unsigned one still lacks.
    boss.locator("button[data-step=confirm]").click()
    expect(boss.locator(".item-head [data-status]")).to_have_text("Confirmed by the client")
    boss.locator("button[data-step=start]").click()
    expect(boss.locator(".item-head [data-status]")).to_have_text("In work")
    archive_step = boss.locator(".item-head .steps button", has_text="Archive")
    expect(archive_step).to_be_disabled()
    needs = (
        f"Needs: the sign-off of “Dept 2 · Finance” (still missing: {FINANCE_GAPS}); "
        "the sign-off of “Dept 3 · Technical specification” (still missing: Technical "
        "specification, Spec sent to Dept 3, Expert); "
        "the sign-off of “Expertise” (still missing: Documents analysed, Expertise done); "
        "the sign-off of “Dept 4 · State approval” (still missing: Documents submitted to "
        "state bodies, Expertise approved, Work completed); "
        f"the sign-off of “Archive” (still missing: {ARCHIVE_GAPS})"
    )
    expect(archive_step).to_have_attribute("title", needs)
    expect(boss.locator(".item-head .steps .sr-only")).to_have_text(needs)
    assert mailed(smtp) == []

    # --- 3. Finance enters the payment (the acts are for the archive, not for Dept 2).
    money = new_page()
    log_in(money, finance.email)
    money.goto(item_url)
    payment = stage(money, "finance")
    expect(payment.get_by_label("Act issued")).to_have_count(0)
    payment.get_by_label("Legal entity").fill("LLC Expert")
    payment.get_by_label("Payment amount").fill("30000")
    payment.get_by_label("Payment date").fill("2026-03-02")
    payment.get_by_label("Payment order number").fill("PO-17")
    save_stage(money, "finance")

    # Meanwhile the manager withdraws Dept 1's sign-off to look at the terms again.
    # Finance's page, opened before, still offers its sign-off: it is refused, and the
    # page, drawn again, says which stage comes first.
    stage(boss, "sales").locator("button[data-unsign=sales]").click()
    expect(boss.locator(".toast-success")).to_contain_text("The sign-off was withdrawn.")
    sign_stage(money, "finance")
    expect(money.locator(".toast-error")).to_contain_text("Sign “Dept 1 · Sales” first.")
    expect(stage(money, "finance").locator("h3 .badge")).to_have_text("Not signed")
    expect(stage(money, "finance").locator("[data-waiting]")).to_have_text(
        "Sign “Dept 1 · Sales” first."
    )
    expect(money.locator("button[data-sign-waiting=finance]")).to_be_disabled()
    expect(money.locator("button[data-sign=finance]")).to_have_count(0)

    # The manager signs Dept 1 again; now Dept 2 signs.
    sign_stage(boss, "sales")
    expect(boss.locator(".toast-success")).to_contain_text("Signed off.")
    money.goto(item_url)
    sign_stage(money, "finance")
    expect(money.locator(".toast-success")).to_contain_text("Signed off.")
    expect(stage(money, "finance").locator("[data-signoff]")).to_contain_text(
        "Signed by Fedor Finance"
    )
    order.refresh_from_db()
    assert order.values["contract_percent"] == "25.00"

    # The manager, and only the manager, hears of the payment: by e-mail and in the inbox.
    assert mailed(smtp) == [manager.email]
    assert not Notification.objects.filter(recipient__in=[dept4, head3, finance, expert]).exists()
    boss.goto("/notifications/")
    expect(boss.locator("[data-bell]")).to_have_attribute("aria-label", "Notifications: 1 unread")
    inbox = boss.locator("[data-inbox] li[data-notification]")
    expect(inbox).to_have_count(1)
    # In the wording of the preset's rule, with the amount and the share of the contract.
    expect(inbox.first).to_contain_text("Payment received:")
    expect(inbox.first).to_contain_text(f"% of the contract) for {order.reference}")

    four = new_page()
    log_in(four, dept4.email)
    four.goto("/notifications/")
    expect(four.locator("main")).to_contain_text("No notifications")
    expect(four.locator("[data-inbox]")).to_have_count(0)

    # --- 4. "Spec sent to Dept 3": the head of Dept 3 hears of it.
    boss.goto(item_url)
    technical = stage(boss, "technical")
    technical.get_by_label("Technical specification").fill("Check the plant's documents")
    technical.get_by_label("Spec sent to Dept 3").check()
    save_stage(boss, "technical")
    assert mailed(smtp) == [head3.email]

    head = new_page()
    log_in(head, head3.email)
    head.goto("/notifications/")
    told = head.locator("[data-inbox] li[data-notification]")
    expect(told).to_have_count(1)
    expect(told.first).to_contain_text(f"Marina Manager changed {order.reference}")

    # The head of Dept 3 names the expert, who hears of it (Dept 4 still does not).
    head.goto(item_url)
    chosen = stage(head, "technical")
    chosen.get_by_label("Expert").select_option(label="Elena Expert")
    save_stage(head, "technical")
    assert mailed(smtp) == [expert.email]
    specialist = new_page()
    log_in(specialist, expert.email)
    specialist.goto("/notifications/")
    heard = specialist.locator("[data-inbox] li[data-notification]")
    expect(heard).to_have_count(1)
    expect(heard.first).to_contain_text(f"Gleb Head changed {order.reference}")
    four.reload()
    expect(four.locator("[data-inbox]")).to_have_count(0)
    assert tally() == {"Marina Manager": 1, "Gleb Head": 1, "Elena Expert": 1}

    # The head of Dept 3 signs Dept 3 off; a sign-off tells nobody under the preset.
    sign_stage(head, "technical")
    expect(head.locator(".toast-success")).to_contain_text("Signed off.")
    expect(stage(head, "technical").locator("[data-signoff]")).to_contain_text(
        "Signed by Gleb Head"
    )
    assert mailed(smtp) == []

    # --- 5. The expert, in their own browser, does the checks. Signing them off while
    # they are empty is refused, naming each; the expert may touch no other stage.
    specialist.goto(item_url)
    checks = stage(specialist, "expertise")
    expect(checks.locator("[data-missing]")).to_have_text(
        "To sign off, fill in: Documents analysed, Expertise done"
    )
    expect(checks.locator("form")).to_have_count(2)  # the checks and the sign-off
    expect(specialist.locator("[data-stages] form")).to_have_count(2)
    sign_stage(specialist, "expertise")
    expect(specialist.locator(".toast-error")).to_contain_text(
        "To sign off “Expertise”, fill in: Documents analysed, Expertise done."
    )
    expect(stage(specialist, "expertise").locator("h3 .badge")).to_have_text("Not signed")
    assert mailed(smtp) == []

    # "Documents analysed" reaches finance (Dept 2) only.
    stage(specialist, "expertise").get_by_label("Documents analysed").check()
    save_stage(specialist, "expertise")
    assert mailed(smtp) == [finance.email]
    assert tally() == {"Marina Manager": 1, "Fedor Finance": 1, "Gleb Head": 1, "Elena Expert": 1}

    # "Expertise done" reaches finance and Dept 4; then the expert signs the stage off.
    stage(specialist, "expertise").get_by_label("Expertise done").check()
    save_stage(specialist, "expertise")
    assert mailed(smtp) == sorted([finance.email, dept4.email])
    assert tally() == {
        "Marina Manager": 1,
        "Fedor Finance": 2,
        "Gleb Head": 1,
        "Elena Expert": 1,
        "Denis Four": 1,
    }
    sign_stage(specialist, "expertise")
    expect(specialist.locator(".toast-success")).to_contain_text("Signed off.")
    expect(stage(specialist, "expertise").locator("[data-signoff]")).to_contain_text(
        "Signed by Elena Expert"
    )
    assert mailed(smtp) == []

    four.goto("/notifications/")
    expect(four.locator("[data-bell]")).to_have_attribute("aria-label", "Notifications: 1 unread")
    told_four = four.locator("[data-inbox] li[data-notification]")
    expect(told_four).to_have_count(1)
    expect(told_four.first).to_contain_text(f"Elena Expert changed {order.reference}")

    # --- 6. Dept 4, in its own browser, takes the order through the state bodies: each
    # step reaches finance only; the sign-off is refused until the last step is done.
    four.goto(item_url)
    expect(stage(four, "state").locator("form")).to_have_count(2)
    expect(four.locator("[data-stages] form")).to_have_count(2)  # no other stage's
    for step in ("Documents submitted to state bodies", "Expertise approved"):
        stage(four, "state").get_by_label(step).check()
        save_stage(four, "state")
        assert mailed(smtp) == [finance.email], step
    sign_stage(four, "state")
    expect(four.locator(".toast-error")).to_contain_text(
        "To sign off “Dept 4 · State approval”, fill in: Work completed."
    )
    expect(stage(four, "state").locator("h3 .badge")).to_have_text("Not signed")
    stage(four, "state").get_by_label("Work completed").check()
    save_stage(four, "state")
    assert mailed(smtp) == [finance.email]
    sign_stage(four, "state")
    expect(four.locator(".toast-success")).to_contain_text("Signed off.")
    expect(stage(four, "state").locator("[data-signoff]")).to_contain_text("Signed by Denis Four")
    assert mailed(smtp) == []
    assert tally() == {
        "Marina Manager": 1,
        "Fedor Finance": 5,
        "Gleb Head": 1,
        "Elena Expert": 1,
        "Denis Four": 1,
    }

    money.goto("/notifications/")
    expect(money.locator("[data-bell]")).to_have_attribute("aria-label", "Notifications: 5 unread")
    told_money = money.locator("[data-inbox] li[data-notification]")
    expect(told_money).to_have_count(5)
    for n, who in enumerate(["Denis Four"] * 3 + ["Elena Expert"] * 2):
        expect(told_money.nth(n)).to_contain_text(f"{who} changed {order.reference}")

    # --- 7. The archive stage is refused while its fields are empty (the acts too).
    boss.goto(item_url)
    sign_stage(boss, "archive")
    expect(boss.locator(".toast-error")).to_contain_text("Registration date")
    expect(boss.locator(".toast-error")).to_contain_text("Valid until")
    expect(boss.locator(".toast-error")).to_contain_text("Act signed by the client")
    expect(stage(boss, "archive").locator("h3 .badge")).to_have_text("Not signed")
    archive_step = boss.locator(".item-head .steps button", has_text="Archive")
    expect(archive_step).to_be_disabled()
    expect(archive_step).to_have_attribute(
        "title", f"Needs: the sign-off of “Archive” (still missing: {ARCHIVE_GAPS})"
    )

    # The manager dates the registration; finance ticks the acts and the original.
    today = timezone.localdate()
    valid_until = today + dt.timedelta(days=60)
    boss.goto(item_url)
    archive = stage(boss, "archive")
    archive.get_by_label("Registration date").fill(today.isoformat())
    archive.get_by_label("Valid until").fill(valid_until.isoformat())
    save_stage(boss, "archive")
    money.goto(item_url)
    acts = stage(money, "archive")
    acts.get_by_label("Act issued").check()
    acts.get_by_label("Act signed by the client").check()
    acts.get_by_label("Original contract received").check()
    save_stage(money, "archive")
    assert mailed(smtp) == []  # nobody is told of the acts under the preset's rules
    boss.goto(item_url)
    sign_stage(boss, "archive")
    expect(boss.locator(".toast-success")).to_contain_text("Signed off.")
    archive_step = boss.locator("button[data-step=archive]")
    expect(archive_step).to_be_enabled()
    archive_step.click()
    expect(boss.locator(".item-head [data-status]")).to_have_text("Archived")
    order.refresh_from_db()
    assert order.status.key == "archived"
    # An archived order changes no more: no step, no sign-off or its withdrawal, no
    # field, urgent mark or date is offered.
    expect(boss.locator(".item-head .steps button")).to_have_count(0)
    expect(boss.locator("[data-stages] form")).to_have_count(0)
    expect(boss.locator("[data-stages] [data-signoff]")).to_have_count(6)
    expect(boss.locator("[data-urgent-toggle]")).to_have_count(0)
    expect(boss.locator("form[action$='/dates/']")).to_have_count(0)
    assert mailed(smtp) == []  # the reminder is not due yet

    # --- 8. The clock passes the reminder's time: the manager hears that the validity
    # runs out (the worker runs the timed check, then sends its e-mail).
    # The browsers stay idle meanwhile: a request made while the process clock is a
    # month ahead would find the session expired and clear its cookie.
    for page in (boss, money, four, head, specialist):
        page.goto("about:blank")
    due = warn_at(valid_until, 30)
    with freeze_time(due - dt.timedelta(minutes=1)):
        call_command("worker", batch=True)
    assert smtp.mailbox.messages == []
    with freeze_time(due + dt.timedelta(minutes=5)):
        call_command("worker", batch=True)
        call_command("worker", batch=True)
    assert mailed(smtp) == [manager.email]
    assert tally() == {
        "Marina Manager": 2,
        "Fedor Finance": 5,
        "Gleb Head": 1,
        "Elena Expert": 1,
        "Denis Four": 1,
    }

    boss.goto("/notifications/")
    manager_inbox = boss.locator("[data-inbox] li[data-notification]")
    # The payment, still unread, and the reminder: nothing from the expert or Dept 4.
    expect(manager_inbox).to_have_count(2)
    expect(manager_inbox.first).to_contain_text(
        f"{order.reference} {TITLE}: “Valid until” runs out on {valid_until:%d.%m.%Y}"
    )
    expect(boss.locator("[data-bell]")).to_have_attribute("aria-label", "Notifications: 2 unread")
