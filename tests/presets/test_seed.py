"""`pult seed`: the contract's workspaces and logins, rows as the services would have
left them, the real pages working on them, and the same data for the same seed."""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.test import Client

from pult.accounts.models import Membership, User, Workspace
from pult.activity.models import Event
from pult.calendars.selectors import default_calendar, schedule_for
from pult.calendars.worktime import Schedule, add_working_time, working_time_between
from pult.chat.models import Message, MessageRead
from pult.chat.selectors import PAGE_SIZE
from pult.desk.sla import rule_for
from pult.documents.models import Attachment, Material
from pult.parties.models import Client as Company
from pult.parties.models import ContactPerson, Contract
from pult.presets import seed_contract as contract
from pult.presets.seed import Sizes, seed_delete, seed_run
from pult.work import policies
from pult.work.models import Item, SignOff, Stage
from pult.work.selectors import queue_position
from pult.work.values import is_empty

pytestmark = pytest.mark.django_db

SCALE = 0.02
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture
def seeded() -> None:
    seed_run(scale=SCALE, seed=7, now=NOW, progress=False)


def login(client: Client, email: str) -> None:
    response = client.post("/accounts/login/", {"username": email, "password": contract.PASSWORD})
    assert response.status_code == 302, email


def ws(slug: str) -> Workspace:
    return Workspace.objects.get(slug=slug)


def fingerprint(
    shift: timedelta = timedelta(0), *, dated: bool = True
) -> tuple[dict[str, int], str]:
    """Counts per table and a hash of the seeded rows' content, ids left out (they move
    with the sequences); every timestamp taken back by `shift`. Not `dated`: dates
    written into text (contract numbers by year, payment dates) are left out."""
    spaces = list(Workspace.objects.filter(slug__in=[contract.DESK_SLUG, contract.ORDERS_SLUG]))
    digest = hashlib.sha256()
    emails = dict(User.objects.values_list("pk", "email"))

    def put(*values: Any) -> None:
        for value in values:
            if isinstance(value, datetime):
                value = (value - shift).isoformat()
            digest.update(repr(value).encode())

    items = Item.objects.filter(workspace__in=spaces).order_by("workspace__slug", "number")
    for item in items.select_related("status", "requester", "outlet", "client", "contract"):
        put(item.number, item.title, item.status.key, item.category, item.in_queue,
            item.requester.email, item.outlet and item.outlet.number,
            item.client and item.client.name,
            item.contract and (item.contract.number if dated else item.contract.amount),
            _values(item.values, emails, dated=dated), item.urgent_at, item.queue_rank,
            item.queue_at, item.submitted_at, item.start_at, item.due_at, item.started_at,
            item.closed_at, item.created_at, item.updated_at)  # fmt: skip
    messages = Message.objects.filter(workspace__in=spaces).select_related("author", "item")
    for m in messages.order_by("item__workspace__slug", "item__number", "created_at", "body"):
        put(m.item.number, m.author.email, m.body, m.internal, m.created_at)
    events = seeded_events(spaces).select_related("actor")
    for e in events.order_by("workspace__slug", "id"):
        payload = {k: v for k, v in e.payload.items() if k not in ("item_id", "attachment_id")}
        put(e.actor and e.actor.email, e.verb, e.target_label, payload, e.created_at)
    signoffs = SignOff.objects.filter(item__workspace__in=spaces).select_related("item", "user")
    for s in signoffs.order_by("item__number", "signed_at"):
        put(s.item.number, s.user.email, s.signer_name, s.signed_at)
    for c in Contract.objects.filter(workspace__in=spaces).order_by("created_at", "amount"):
        put(c.client.name, c.amount, c.created_at)
        if dated:
            put(c.number, c.signed_on, c.valid_until)
    for p in ContactPerson.objects.filter(workspace__in=spaces).order_by(
        "client__name", "full_name", "emails"
    ):
        put(p.full_name, p.emails, p.phones)
    reads = MessageRead.objects.filter(workspace__in=spaces).select_related(
        "user", "last_read_message"
    )
    for r in reads.order_by("item__number", "user__email"):
        put(r.user.email, r.last_read_message and r.last_read_message.body, r.last_read_at)
    counts = {
        "items": items.count(),
        "messages": messages.count(),
        "events": events.count(),
        "signoffs": signoffs.count(),
        "reads": reads.count(),
        "clients": Company.objects.filter(workspace__in=spaces).count(),
        "materials": Material.objects.filter(workspace__in=spaces).count(),
        "attachments": Attachment.objects.filter(workspace__in=spaces).count(),
        "users": User.objects.filter(email__endswith="@seed.pult").count(),
    }
    return counts, digest.hexdigest()


def seeded_events(spaces: list[Workspace]) -> Any:
    """The history's events (loading the presets records a few of its own, dated now)."""
    return Event.objects.filter(workspace__in=spaces).filter(
        Q(verb__startswith="work.") | Q(verb__startswith="chat.") | Q(verb__startswith="documents.")
    )


def _values(values: dict[str, Any], emails: dict[int, str], *, dated: bool) -> dict[str, Any]:
    out = {k: v for k, v in values.items() if dated or not k.endswith(("_date", "valid_until"))}
    if "expert" in out:
        out["expert"] = emails[out["expert"]]  # a user's id: it moves with the sequence
    return out


def test_the_command_refuses_existing_workspaces_and_replace_gives_the_same_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("pult.presets.seed.timezone.now", lambda: NOW)
    out = io.StringIO()
    args = ("seed", "--scale", str(SCALE), "--seed", "3", "--quiet")
    call_command(*args, stdout=out, stderr=io.StringIO())
    assert re.search(
        r"Seeded seed-desk and seed-orders \(scale 0.02, seed 3\): [\d,]+ rows", out.getvalue()
    )
    assert re.search(r"work\.Item\s+200\n", out.getvalue())
    first = fingerprint()
    with pytest.raises(CommandError, match="--replace"):
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    call_command(*args, "--replace", stdout=io.StringIO(), stderr=io.StringIO())
    assert fingerprint() == first
    assert first[0]["items"] == 200 and first[0]["clients"] == 20


def test_another_week_moves_every_timestamp_by_whole_weeks_and_changes_nothing_else() -> None:
    seed_run(scale=SCALE, seed=7, now=NOW, progress=False)
    first = fingerprint(dated=False)
    seed_delete()
    assert not Workspace.objects.filter(slug=contract.DESK_SLUG).exists()
    assert not User.objects.filter(email__endswith="@seed.pult").exists()
    later = NOW + timedelta(weeks=3, days=2, hours=5)
    seed_run(scale=SCALE, seed=7, now=later, progress=False)
    assert fingerprint(shift=timedelta(weeks=3), dated=False) == first
    assert fingerprint(dated=False) != first
    seed_delete()
    seed_run(scale=SCALE, seed=8, now=NOW, progress=False)
    assert fingerprint()[1] != first[1]  # another seed, other data


def test_the_contract_logins_exist_with_their_roles_and_the_shared_password(seeded: None) -> None:
    roles = {
        contract.DESK_HEAD: (contract.DESK_SLUG, "Marketing head"),
        contract.DESK_DESIGNER: (contract.DESK_SLUG, "Designer"),
        contract.DESK_APPLICANT: (contract.DESK_SLUG, "Applicant"),
        contract.ORDERS_MANAGER: (contract.ORDERS_SLUG, "Manager"),
        contract.ORDERS_EXPERT: (contract.ORDERS_SLUG, "Expert"),
    }
    for email, (slug, role) in roles.items():
        membership = Membership.objects.get(user__email=email, workspace__slug=slug)
        assert [r.name for r in membership.roles.all()] == [role]
        assert check_password(contract.PASSWORD, membership.user.password)
    sizes = Sizes.of(SCALE)
    assert User.objects.filter(email__endswith="@seed.pult").count() == 16
    assert sizes.applicants == Membership.objects.filter(roles__name="Applicant").count()
    assert Item.objects.filter(workspace__slug=contract.DESK_SLUG).count() == 160
    assert Item.objects.filter(workspace__slug=contract.ORDERS_SLUG).count() == 40


def test_rows_are_as_the_services_would_have_left_them(seeded: None) -> None:
    desk, orders = ws(contract.DESK_SLUG), ws(contract.ORDERS_SLUG)
    items = list(
        Item.objects.filter(workspace__in=[desk, orders]).select_related(
            "status", "item_type", "workspace"
        )
    )
    for item in items:
        assert (item.category, item.in_queue) == (item.status.category, item.status.queued)
        if item.urgent_at:
            assert (item.queue_rank, item.queue_at) == (0, item.urgent_at)
        else:
            assert (item.queue_rank, item.queue_at) == (1, item.submitted_at)
        assert (item.closed_at is not None) == (item.category == "closed"), item
        assert item.submitted_at <= item.updated_at <= NOW
    statuses = Counter(i.status.key for i in items if i.workspace == desk)
    assert statuses["closed"] > statuses["completed"] > 0 and statuses["new"] >= 6
    assert any(i.in_queue and i.urgent_at for i in items)

    # SLA dates as sla.apply_dates computes them, on the calendar's weekly hours.
    calendar = default_calendar(desk)
    assert calendar is not None
    real = schedule_for(calendar)
    weekly = Schedule(tz=real.tz, weekly=real.weekly)
    checked = 0
    for item in items:
        if item.workspace != desk:
            continue
        rule = rule_for(item)
        assert rule is not None
        paused = sum(
            (
                working_time_between(weekly, p.started_at, p.ended_at)
                for p in item.pauses.all()
                if p.ended_at
            ),
            timedelta(),
        )
        start = timedelta(hours=float(rule.start_within_hours)) + paused
        due = timedelta(hours=float(rule.finish_within_hours)) + paused
        assert item.start_at == add_working_time(weekly, item.submitted_at, start), item
        assert item.due_at == add_working_time(weekly, item.submitted_at, due), item
        checked += 1
        # A finished request has its result (the `has_deliverable` guard of "complete").
        if item.status.key in ("completed", "closed") and item.started_at:
            assert item.attachments.filter(kind="deliverable").exists(), item
        assert item.assignees.exists() == (item.started_at is not None), item
    assert checked == 160

    # Orders: sign-offs agree with the status, by the signers, with required fields filled.
    stages = list(Stage.objects.filter(item_type__workspace=orders).order_by("position"))
    for item in items:
        if item.workspace != orders:
            continue
        signed = {s.stage.key: s for s in item.signoffs.select_related("stage", "user")}
        keys = [s.key for s in stages][: len(signed)]
        assert set(signed) == set(keys), item  # in order, none skipped
        need = {"archived": 6, "in_work": 2, "confirmed": 1}.get(item.status.key, 0)
        assert len(signed) >= need, item
        for stage in stages:
            if stage.key in signed:
                assert policies.is_stage_signer(signed[stage.key].user, item, stage)
                missing = [
                    f.key
                    for f in policies.stage_required_fields(item, stage)
                    if is_empty(item.values.get(f.key))
                ]
                assert not missing, (item, stage.key, missing)
        if item.contract is not None and "payment_amount" in item.values:
            share = float(item.values["payment_amount"]) / float(item.contract.amount or 1) * 100
            assert float(item.values["contract_percent"]) == pytest.approx(share, abs=0.01)

    # The feed pages by id: ids follow time in each workspace.
    for space in (desk, orders):
        times = list(seeded_events([space]).order_by("id").values_list("created_at", flat=True))
        assert times == sorted(times) and len(times) > 500
    # Read marks point at a message of the same item.
    for read in MessageRead.objects.filter(workspace=desk).select_related("last_read_message"):
        assert read.last_read_message is not None
        assert read.last_read_message.item_id == read.item_id


def test_the_real_pages_work_on_the_seeded_data(seeded: None, client: Client) -> None:
    desk = ws(contract.DESK_SLUG)
    queued = list(
        Item.objects.filter(workspace=desk, in_queue=True).order_by("queue_rank", "queue_at", "id")
    )

    login(client, contract.DESK_HEAD)
    page = client.get("/items/queue/")
    assert page.status_code == 200
    assert queued[0].reference in page.content.decode()
    assert page.context["waiting"] == len(queued)
    client.logout()

    # The applicant's track page: several requests waiting, each at its real position.
    login(client, contract.DESK_APPLICANT)
    page = client.get("/items/mine/")
    assert page.status_code == 200
    shown = dict(
        re.findall(r'<tr data-item="(\d+)">.*?data-ahead="(\d*)"', page.content.decode(), re.S)
    )
    mine = [i for i in queued if i.requester.email == contract.DESK_APPLICANT]
    assert len(mine) >= 3
    for item in mine:
        assert shown[str(item.pk)] == str(queue_position(item)) == str(queued.index(item))
    # Their first request: the page with 200 messages, and its result downloads.
    first = Item.objects.filter(requester__email=contract.DESK_APPLICANT).order_by("number").first()
    assert first is not None and first.number == 1
    page = client.get(f"/items/{first.pk}/")
    assert page.status_code == 200
    assert first.messages.count() == 200
    assert len(page.context["chat_messages"]) == PAGE_SIZE  # the newest; older on demand
    assert page.context["chat_has_older"]
    result = first.attachments.filter(kind="deliverable").first()
    assert result is not None
    download = client.get(f"/files/{result.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    client.logout()

    # The manager: the client search forgives a misspelling, finds a contract number, and
    # an archived order shows its sign-offs.
    orders = ws(contract.ORDERS_SLUG)
    login(client, contract.ORDERS_MANAGER)
    page = client.get("/clients/", {"q": "Рогаа и Копыта"})
    assert page.status_code == 200 and "Рога и копыта" in page.content.decode()
    number = Contract.objects.filter(workspace=orders).order_by("pk").first()
    assert number is not None and re.fullmatch(r"C-\d{4}/\d+", number.number)
    page = client.get("/clients/", {"q": number.number})
    assert page.status_code == 200 and number.client.name in page.content.decode().replace(
        "&quot;", '"'
    ).replace("&laquo;", "«")
    order = Item.objects.filter(workspace=orders, status__key="archived").order_by("number").first()
    assert order is not None
    page = client.get(f"/items/{order.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert order.reference in text
    assert all(s.signer_name in text for s in order.signoffs.all())
