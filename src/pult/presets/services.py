"""Presets: a scenario (roles, pipelines, rules, calendar) loaded into a workspace."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pult.access.models import Role
from pult.access.services import role_create
from pult.accounts.models import Workspace
from pult.accounts.services import workspace_create
from pult.accounts.vocabulary import sections_clean, words_clean
from pult.core.exceptions import DomainError
from pult.notifications.models import NotificationRule
from pult.notifications.services import condition_clean
from pult.pipelines.io import item_type_import

PRESETS = ("design-desk", "expertise-orders")


def preset_data(name: str) -> dict[str, Any]:
    if name not in PRESETS:
        raise DomainError(
            _("Unknown preset “%(name)s”. Known: %(known)s.")
            % {"name": name, "known": ", ".join(PRESETS)}
        )
    text = resources.files("pult.presets").joinpath("data", f"{name}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@transaction.atomic
def preset_load(name: str, *, slug: str = "", workspace_name: str = "") -> Workspace:
    """Create a workspace running the preset; loading it again returns the same one."""
    data = preset_data(name)
    slug = slug or name
    existing = Workspace.objects.filter(slug=slug).first()
    if existing is not None:
        if existing.preset != name:
            raise DomainError(
                _("The workspace “%(slug)s” exists and runs another preset.") % {"slug": slug}
            )
        return existing
    workspace = workspace_create(
        actor=None, name=workspace_name or data["name"]["en"], slug=slug, preset=name
    )
    preset_words_load(workspace=workspace, data=data, named=not workspace_name)
    from pult.calendars.services import calendar_create_default

    calendar_create_default(workspace=workspace)
    for role in data.get("roles", []):
        role_create(
            actor=None,
            workspace=workspace,
            name=role["name"],
            name_ru=role.get("name_ru", ""),
            codes=role["permissions"],
        )
    for item_type in data.get("item_types", []):
        item_type_import(workspace=workspace, data=item_type)
    message_visibility_load(workspace=workspace, data=data)
    from pult.documents.models import Article

    for article in data.get("articles", []):
        Article.objects.create(
            workspace=workspace,
            slug=article["slug"],
            title=article["title"],
            body=article["body"],
            language=article.get("language", ""),
        )
    roles = {r.name: r for r in Role.objects.filter(workspace=workspace)}
    for rule in data.get("notification_rules", []):
        created = NotificationRule.objects.create(
            workspace=workspace,
            verb=rule["verb"],
            participants=bool(rule.get("participants")),
            item_manager=bool(rule.get("item_manager")),
            field_users=list(rule.get("field_users", [])),
            condition=condition_clean(rule.get("condition", {})),
            message=dict(rule.get("message", {})),
        )
        created.roles.set([roles[r] for r in rule.get("roles", [])])
    return workspace


def preset_words_load(*, workspace: Workspace, data: dict[str, Any], named: bool = True) -> None:
    """The preset's `words` and `sections` (F-WORDS) on the workspace. The preset's name
    in both languages becomes the `workspace_name` word unless the operator named the
    workspace themselves (`named=False`): then their name shows in every language."""
    words = dict(data.get("words", {}))
    if named and isinstance(data.get("name"), dict):
        words["workspace_name"] = data["name"]
    workspace.words = words_clean(words)
    workspace.sections = sections_clean(data.get("sections", []))
    workspace.save(update_fields=["words", "sections"])


def message_visibility_load(*, workspace: Workspace, data: dict[str, Any]) -> None:
    """The preset's `message_visibility` section (per item type and viewer role, whose
    messages they see: all / own / own_and_roles), checked and written by chat's one
    writer of those rules, as a pipeline file's are."""
    from pult.chat.rule_services import message_visibility_errors, message_visibility_replace
    from pult.pipelines.files import file_refusal
    from pult.work.models import ItemType

    by_type: dict[str, list[dict[str, Any]]] = {}
    for rule in data.get("message_visibility", []):
        by_type.setdefault(rule["item_type"], []).append(rule)
    role_names = set(Role.objects.filter(workspace=workspace).values_list("name", flat=True))
    # The writer wants the item-type rows locked; the workspace is new, so nobody waits.
    types = {t.key: t for t in ItemType.objects.select_for_update().filter(workspace=workspace)}
    for key, rows in by_type.items():
        if problems := message_visibility_errors(rows, role_names):
            raise file_refusal(problems)
        message_visibility_replace(item_type=types[key], rows=rows)
