"""`pult load-preset`: a workspace running a preset, idempotent; unknown names refused."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pult.access.models import Role
from pult.accounts.models import Workspace
from pult.activity.models import Event
from pult.notifications.models import NotificationRule
from pult.work.models import FieldDef, ItemType, SlaRule, Status, Transition

ROOT = Path(__file__).resolve().parent.parent.parent


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load-preset", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (Workspace, Role, ItemType, Status, Transition, FieldDef, SlaRule, NotificationRule)
    return {m.__name__: m.objects.count() for m in (*models, Event)}


@pytest.mark.django_db
def test_load_preset_creates_the_workspace_with_its_pipeline() -> None:
    out = load("design-desk")
    workspace = Workspace.objects.get(slug="design-desk")
    assert workspace.preset == "design-desk"
    assert "Created workspace design-desk" in out and "6 statuses" in out
    roles = set(Role.objects.filter(workspace=workspace).values_list("name", flat=True))
    assert {"Marketing head", "Designer", "Applicant"} <= roles
    item_type = ItemType.objects.get(workspace=workspace, key="design-request")
    assert item_type.number_prefix == "DR" and item_type.requires_contacts
    assert list(item_type.statuses.values_list("key", flat=True)) == [
        "new",
        "in_progress",
        "clarification",
        "revision",
        "completed",
        "closed",
    ]
    assert item_type.statuses.get(key="new").queued
    assert item_type.statuses.get(key="clarification").category == "paused"
    assert set(item_type.fields.values_list("key", flat=True)) == {
        "material_type",
        "size",
        "texts",
        "wishes",
    }
    assert item_type.transitions.filter(key="take").exists()


@pytest.mark.django_db
def test_loading_again_changes_nothing() -> None:
    load("design-desk")
    before = counts()
    out = load("design-desk")
    assert "already runs the preset" in out
    assert counts() == before


@pytest.mark.django_db
def test_slug_and_name_give_a_second_workspace_with_the_same_preset() -> None:
    load("design-desk")
    load("design-desk", "--slug", "Second Desk", "--name", "Дизайн-бюро Юг")
    second = Workspace.objects.get(slug="second-desk")
    assert second.name == "Дизайн-бюро Юг" and second.preset == "design-desk"
    load("design-desk", "--slug", "Second Desk")  # the same slug, slugified the same way
    assert Workspace.objects.filter(preset="design-desk").count() == 2


@pytest.mark.django_db
def test_unknown_preset_is_refused_and_creates_nothing() -> None:
    before = counts()
    with pytest.raises(CommandError, match=r"Unknown preset .*nope.* Known: design-desk"):
        load("nope")
    assert counts() == before


@pytest.mark.django_db
def test_scale_without_demo_is_refused() -> None:
    with pytest.raises(CommandError, match="--demo"):
        load("design-desk", "--scale", "0.1")
    assert not Workspace.objects.exists()


def test_unknown_preset_exits_non_zero_with_a_clear_message(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "PULT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pult.cli", "load-preset", "nope", "--skip-checks"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Unknown preset" in result.stderr and "design-desk" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_the_comment_rules_are_written_by_chats_writer_as_the_preset_says() -> None:
    from pult.chat.rule_selectors import message_visibility_rows
    from pult.presets.services import preset_data, preset_load

    workspace = preset_load("expertise-orders")
    order = ItemType.objects.get(workspace=workspace, key="order")
    wanted = [
        {"role": rule["role"], "sees": rule["sees"], "author_roles": rule.get("author_roles", [])}
        for rule in preset_data("expertise-orders")["message_visibility"]
        if rule["item_type"] == "order"
    ]
    assert message_visibility_rows(order) == sorted(wanted, key=lambda row: row["role"])


@pytest.mark.django_db
def test_a_preset_rule_the_writer_would_refuse_is_refused_and_keeps_the_rules() -> None:
    from pult.chat.models import MessageVisibilityRule
    from pult.core.exceptions import DomainError
    from pult.presets.services import message_visibility_load, preset_load

    workspace = preset_load("expertise-orders")
    before = MessageVisibilityRule.objects.filter(item_type__workspace=workspace).count()
    bad = {"item_type": "order", "role": "Manager", "sees": "own_and_roles"}
    with pytest.raises(DomainError, match="none is chosen"):
        message_visibility_load(workspace=workspace, data={"message_visibility": [bad]})
    assert MessageVisibilityRule.objects.filter(item_type__workspace=workspace).count() == before
