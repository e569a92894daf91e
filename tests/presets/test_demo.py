"""Demo data of the design-desk preset: coherent with the engine's rules, idempotent,
deterministic, with working demo logins; and `pult demo` at full scale."""

from __future__ import annotations

import io
import time
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from pult.access.models import Role
from pult.accounts.models import Membership, User, Workspace
from pult.activity.models import Event
from pult.desk import sla
from pult.parties.models import Brand, Outlet
from pult.presets import demo_design_desk as demo
from pult.presets.services import preset_load
from pult.work.models import Item, ItemPause, ItemType
from pult.work.selectors import queue_position
from pult.work.values import requester_contact_gaps

SCALE = "0.05"


def load_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("load-preset", "design-desk", "--demo", "--scale", SCALE, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def desk(db: None) -> Workspace:
    load_demo()
    return Workspace.objects.get(slug="design-desk")


def applicants(workspace: Workspace) -> list[User]:
    return list(
        User.objects.filter(
            memberships__workspace=workspace, memberships__roles__name="Applicant"
        ).distinct()
    )


def test_the_demo_has_the_case_study_shape_at_a_small_scale(desk: Workspace) -> None:
    assert Brand.objects.filter(workspace=desk).count() == 4
    assert Outlet.objects.filter(workspace=desk).count() == 10  # 200 × 0.05
    assert len(applicants(desk)) == 50  # 1000 × 0.05
    assert Item.objects.filter(workspace=desk).count() == 240  # 800 a month × 6 × 0.05
    by_status = dict(
        Item.objects.filter(workspace=desk).values_list("status__key").annotate(n=Count("id"))
    )
    # The live desk shows every state; most of the history is done.
    assert set(by_status) == {
        "new",
        "in_progress",
        "clarification",
        "revision",
        "completed",
        "closed",
    }
    assert by_status["closed"] + by_status["completed"] > 200
    assert Item.objects.filter(workspace=desk, in_queue=True, urgent_at__isnull=False).exists()


def test_queue_fields_match_the_status_as_the_services_set_them(desk: Workspace) -> None:
    for item in Item.objects.filter(workspace=desk).select_related("status"):
        assert item.category == item.status.category, item
        assert item.in_queue == item.status.queued, item
        if item.urgent_at:
            assert (item.queue_rank, item.queue_at) == (0, item.urgent_at), item
        else:
            assert (item.queue_rank, item.queue_at) == (1, item.submitted_at), item


def test_numbers_are_unique_and_last_number_follows_them(desk: Workspace) -> None:
    item_type = ItemType.objects.get(workspace=desk, key="design-request")
    items = Item.objects.filter(item_type=item_type).order_by("number")
    numbers = list(items.values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert item_type.last_number == len(numbers)
    submitted = list(items.values_list("submitted_at", flat=True))
    assert submitted == sorted(submitted)  # numbered in filing order


def test_dates_are_coherent_with_the_status_and_the_regulations(desk: Workspace) -> None:
    now = timezone.now()
    items = Item.objects.filter(workspace=desk).select_related("status", "item_type", "workspace")
    for item in items.prefetch_related("pauses", "assignees"):
        pauses = list(item.pauses.all())
        assert item.submitted_at <= now and item.created_at == item.submitted_at
        if item.category == "closed":
            assert item.closed_at is not None and item.closed_at >= item.submitted_at, item
        else:
            assert item.closed_at is None, item
        if item.started_at is not None:
            assert item.started_at >= item.submitted_at, item
            assert len(item.assignees.all()) == 1, item
        if item.status.key in ("in_progress", "clarification", "revision"):
            assert item.started_at is not None and item.assignees.exists(), item
        if item.status.key == "new":
            assert item.started_at is None and not item.assignees.exists(), item
        open_pauses = [p for p in pauses if p.ended_at is None]
        assert len(open_pauses) == (1 if item.status.key == "clarification" else 0), item
        for pause in pauses:
            assert item.started_at is not None and pause.started_at >= item.started_at
            assert pause.ended_at is None or pause.ended_at > pause.started_at
        if item.status.key != "clarification":  # an open pause moves dates as time passes
            start_at, due_at = item.start_at, item.due_at
            sla.apply_dates(item)
            assert (item.start_at, item.due_at) == (start_at, due_at), item


def test_values_fill_the_technical_task(desk: Workspace) -> None:
    item_type = ItemType.objects.get(workspace=desk, key="design-request")
    choices = {c["value"] for c in item_type.fields.get(key="material_type").choices}
    for item in Item.objects.filter(workspace=desk).select_related("outlet"):
        assert set(item.values) == {"material_type", "size", "texts", "wishes"}
        assert item.values["material_type"] in choices
        assert all(str(v).strip() for v in item.values.values())
        assert item.outlet is not None and item.outlet.members.filter(pk=item.requester_id)


def test_every_applicant_has_full_contacts_and_an_outlet(desk: Workspace) -> None:
    people = applicants(desk)
    assert people
    for person in people:
        assert requester_contact_gaps(person, desk) == [], person.email
        assert " " in person.full_name.strip() and person.phone.startswith("+7 9")
    emails = [p.email for p in people]
    assert len(set(emails)) == len(emails)
    assert all(e.endswith(("@demo.pult.local", "@pult.demo")) for e in emails)


def test_events_tell_each_request_s_story_in_time_order(desk: Workspace) -> None:
    items = Item.objects.filter(workspace=desk)
    events = Event.objects.filter(workspace=desk, verb__startswith="work.").order_by("id")
    submitted = events.filter(verb="work.item_submitted")
    assert submitted.count() == items.count()
    times = list(events.values_list("created_at", flat=True))
    assert times == sorted(times)  # the feed's id order is time order
    assert times[0] < timezone.now() - timedelta(days=150)  # six months of history
    closed = items.filter(status__key="closed").exclude(started_at=None).first()
    assert closed is not None
    story = list(
        events.filter(target_id=closed.pk, verb="work.status_changed").values_list(
            "payload", flat=True
        )
    )
    assert story[0]["from"] == "Новая" and story[-1]["to"] == "Закрыта"
    assert Event.objects.filter(target_id=closed.pk, verb="work.item_submitted").get().actor_id == (
        closed.requester_id
    )


def test_clarifications_have_pauses(desk: Workspace) -> None:
    waiting = Item.objects.filter(workspace=desk, status__key="clarification")
    assert waiting.exists()
    assert ItemPause.objects.filter(item__in=waiting, ended_at=None).count() == waiting.count()


def logs_in(email: str, password: str) -> bool:
    """Through the login page (django-axes wants a request)."""
    response = Client().post("/accounts/login/", {"username": email, "password": password})
    return response.status_code == 302


def test_demo_logins_work(desk: Workspace) -> None:
    for login in demo.LOGINS:
        assert logs_in(login.email, login.password), login.email
    someone = applicants(desk)[-1]
    assert logs_in(someone.email, demo.PEOPLE_PASSWORD)
    assert not logs_in(someone.email, "wrong-password-1")
    roles = {
        login.email: list(
            Role.objects.filter(
                memberships__workspace=desk, memberships__user__email=login.email
            ).values_list("name", flat=True)
        )
        for login in demo.LOGINS
    }
    assert roles == {
        demo.HEAD.email: ["Marketing head"],
        demo.DESIGNER.email: ["Designer"],
        demo.APPLICANT.email: ["Applicant"],
    }


def test_the_named_applicant_has_requests_in_the_queue_and_in_the_archive(
    desk: Workspace,
) -> None:
    applicant = User.objects.get(email=demo.APPLICANT.email)
    assert applicant.outlets.filter(workspace=desk).count() == 1
    mine = Item.objects.filter(workspace=desk, requester=applicant)
    queued = list(mine.filter(in_queue=True))
    assert len(queued) >= 2
    assert all(queue_position(item) is not None for item in queued)
    assert mine.filter(category="closed").count() >= 2
    designer = User.objects.get(email=demo.DESIGNER.email)
    assert Item.objects.filter(workspace=desk, assignees=designer, status__key="in_progress")


def test_loading_the_demo_again_changes_nothing(desk: Workspace) -> None:
    before = (Item.objects.count(), User.objects.count(), Event.objects.count())
    out = load_demo()
    assert "already there" in out
    assert (Item.objects.count(), User.objects.count(), Event.objects.count()) == before


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data() -> None:
    now = datetime(2026, 3, 4, 12, 30, tzinfo=timezone.get_current_timezone())
    shapes = []
    for slug in ("one", "two"):
        workspace = preset_load("design-desk", slug=slug)
        demo.design_desk_demo(workspace, scale=0.02, seed=7, now=now)
        shapes.append(
            list(
                Item.objects.filter(workspace=workspace)
                .order_by("number")
                .values_list("title", "status__key", "submitted_at", "due_at", "values")
            )
        )
    assert shapes[0] == shapes[1] and shapes[0]
    assert all(row[2] < now for row in shapes[0])


@pytest.mark.django_db
def test_a_workspace_of_another_preset_is_refused() -> None:
    from pult.accounts.services import workspace_create
    from pult.core.exceptions import DomainError

    workspace = workspace_create(actor=None, name="Plain", slug="plain")
    with pytest.raises(DomainError):
        demo.design_desk_demo(workspace, scale=0.05)
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_pult_demo_loads_the_design_desk_at_full_scale() -> None:
    out = io.StringIO()
    started = time.monotonic()
    call_command("demo", stdout=out)
    seconds = time.monotonic() - started
    print(f"pult demo at full scale: {seconds:.1f} s")  # reported with -s
    desk = Workspace.objects.get(slug="design-desk")
    assert Item.objects.filter(workspace=desk).count() == 4800
    assert 30 <= Item.objects.filter(workspace=desk, in_queue=True).count() <= 60
    assert len(applicants(desk)) == 1000
    assert Outlet.objects.filter(workspace=desk).count() == 200
    admin = Membership.objects.get(workspace=desk, user__email="admin@pult.demo")
    assert [r.name for r in admin.roles.all()] == ["Marketing head"]
    text = out.getvalue()
    for email in ("admin@pult.demo", *(login.email for login in demo.LOGINS)):
        assert email in text
    assert seconds < 120
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "already there" in again.getvalue()
    assert Item.objects.filter(workspace=desk).count() == 4800
