"""Pipeline preset files as the editor takes them: parsing an upload, checking its shape
(types, keys, the palette, the icon list, the permission catalogue, duplicates) before
`pipeline_io`'s reference check, and replacing an existing type in place.

`pipeline_services.pipeline_import` is the one caller of `item_type_replace`: it checks
the policy and what items stand in the way, inside its transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pult.access.catalogue import all_codes
from pult.access.models import Role
from pult.chat.rule_services import message_visibility_replace
from pult.core.exceptions import DomainError
from pult.work.models import FieldDef, FieldRule, ItemType, SlaRule, Stage, Status, Transition
from pult.work.pipeline_io import FORMAT, departments_by_name

# One palette for the whole product (the badge-* classes of pult.css).
PALETTE = {
    "info": gettext_lazy("Blue"),
    "primary": gettext_lazy("Indigo"),
    "success": gettext_lazy("Green"),
    "warning": gettext_lazy("Amber"),
    "danger": gettext_lazy("Red"),
    "neutral": gettext_lazy("Grey"),
}
# Heroicons (micro set, as _status.html draws them) that read well as a status mark.
ICONS = (
    "archive-box",
    "arrow-path",
    "arrow-uturn-left",
    "banknotes",
    "bolt",
    "calendar-days",
    "chat-bubble-left-right",
    "check-badge",
    "check-circle",
    "circle-stack",
    "clipboard-document-check",
    "clock",
    "document-text",
    "exclamation-triangle",
    "eye",
    "flag",
    "hand-raised",
    "inbox",
    "inbox-arrow-down",
    "inbox-stack",
    "lock-closed",
    "paint-brush",
    "pause-circle",
    "pencil-square",
    "play-circle",
    "question-mark-circle",
    "rocket-launch",
    "shield-check",
    "sparkles",
    "star",
    "tag",
    "truck",
    "user-circle",
    "wrench-screwdriver",
    "x-circle",
)
RELATIONS = ("requester", "assignee")
MAX_FILE_BYTES = 1_000_000
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


def pipeline_file_parse(content: bytes) -> dict[str, Any]:
    """An uploaded preset file as a dict, or a refusal naming the problem."""

    def refuse(message: str) -> DomainError:
        return DomainError(message, field_errors={"file": [message]})

    if len(content) > MAX_FILE_BYTES:
        raise refuse(_("The file is larger than 1 MB."))
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise refuse(_("The file is not JSON (UTF-8).")) from error
    if not isinstance(data, dict):
        raise refuse(_("The file must hold one pipeline (a JSON object)."))
    if "item_types" in data:
        types = data["item_types"]
        if not isinstance(types, list) or len(types) != 1 or not isinstance(types[0], dict):
            raise refuse(_("The file must hold exactly one work-item type."))
        data = types[0]
    return data


def _is_names(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    )


def _list_of_dicts(data: Mapping[str, Any], key: str, errors: list[str]) -> list[dict[str, Any]]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        errors.append(_("“%(key)s” must be a list of objects") % {"key": key})
        return []
    return value


def shape_errors(data: Mapping[str, Any]) -> list[str]:
    """What `pipeline_io`'s reference check takes for granted: types, keys, the palette,
    the icon list, the permission catalogue, no duplicate keys."""
    errors: list[str] = []

    def bad_key(value: Any, what: str) -> bool:
        if not isinstance(value, str) or not KEY_PATTERN.match(value):
            errors.append(_("%(what)s: bad key “%(v)s”") % {"what": what, "v": value})
            return True
        return False

    if data.get("format", FORMAT) != FORMAT:
        errors.append(_("unknown format %(v)s") % {"v": data.get("format")})
    bad_key(data.get("key"), _("type"))
    prefix = data.get("prefix")
    if not isinstance(prefix, str) or not prefix.isalnum() or len(prefix) > 10:
        errors.append(_("bad number prefix “%(v)s”") % {"v": prefix})
    if not _is_names(data.get("name")) or not data.get("name"):
        errors.append(_("the type has no name"))
    if data.get("take_transition") is not None:
        bad_key(data.get("take_transition"), _("take step"))
    for section in ("statuses", "stages", "transitions", "fields"):
        keys: list[Any] = []
        for row in _list_of_dicts(data, section, errors):
            if section != "transitions":
                bad_key(row.get("key"), section)
                keys.append(row.get("key"))
            if not _is_names(row.get("name" if section != "transitions" else "label", "")):
                errors.append(_("%(what)s: bad name") % {"what": row.get("key")})
        if len(set(map(str, keys))) != len(keys):
            errors.append(_("%(what)s: a key is used twice") % {"what": section})
    if not isinstance(data.get("statuses"), list) or not data.get("statuses"):
        errors.append(_("the type has no statuses"))
    for s in _list_of_dicts(data, "statuses", []):
        if s.get("colour", "neutral") not in PALETTE:
            errors.append(_("unknown colour “%(v)s”") % {"v": s.get("colour")})
        if s.get("icon", "circle-stack") not in ICONS:
            errors.append(_("unknown icon “%(v)s”") % {"v": s.get("icon")})
    for st in _list_of_dicts(data, "stages", []):
        if st.get("sign_permission") and st["sign_permission"] not in all_codes():
            errors.append(_("unknown permission “%(v)s”") % {"v": st["sign_permission"]})
        if not isinstance(st.get("department") or "", str):
            errors.append(_("stage “%(v)s”: bad department") % {"v": st.get("key")})
    for rule in _list_of_dicts(data, "message_visibility", errors):
        if not isinstance(rule.get("role"), str):
            errors.append(_("a comment rule must name a role"))
    steps = set()
    for t in _list_of_dicts(data, "transitions", []):
        if bad_key(t.get("key"), _("step")) or not isinstance(t.get("to"), str):
            errors.append(_("step “%(v)s” leads nowhere") % {"v": t.get("key")})
            continue
        if (t["key"], t.get("from")) in steps:
            errors.append(_("step “%(v)s” leaves the same status twice") % {"v": t["key"]})
        steps.add((t["key"], t.get("from")))
        if t.get("permission") and t["permission"] not in all_codes():
            errors.append(_("unknown permission “%(v)s”") % {"v": t["permission"]})
        if not isinstance(t.get("guards", []), list):
            errors.append(_("step “%(v)s”: conditions must be a list") % {"v": t["key"]})
        if not isinstance(t.get("requires_stages", []), list):
            errors.append(_("step “%(v)s”: required stages must be a list") % {"v": t["key"]})
    for f in _list_of_dicts(data, "fields", []):
        choices = f.get("choices", [])
        if not isinstance(choices, list) or not all(
            isinstance(c, dict) and isinstance(c.get("value"), str) for c in choices
        ):
            errors.append(_("field “%(v)s”: bad choices") % {"v": f.get("key")})
        roles = f.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            errors.append(_("field “%(v)s”: roles must be a list of names") % {"v": f.get("key")})
    for rule in _list_of_dicts(data, "field_rules", errors):
        if not isinstance(rule.get("fields", [rule.get("field")]), list) or not isinstance(
            rule.get("statuses") or [], list
        ):
            errors.append(_("a field rule must name fields and statuses as lists"))
        if rule.get("relation", "") not in ("", *RELATIONS):
            errors.append(_("unknown relation “%(v)s”") % {"v": rule.get("relation")})
        if rule.get("stage"):
            stage_keys = {s.get("key") for s in _list_of_dicts(data, "stages", [])}
            if rule["stage"] not in stage_keys:
                errors.append(_("unknown stage “%(v)s”") % {"v": rule["stage"]})
    for sla in _list_of_dicts(data, "sla", errors):
        hours = (sla.get("start_hours"), sla.get("finish_hours"))
        if not all(isinstance(h, int | float) and 0 <= h < 100000 for h in hours):
            errors.append(_("a regulation needs start and finish hours"))
        if not isinstance(sla.get("when") or {}, dict):
            errors.append(_("a regulation's condition must be an object"))
    return errors


def _names(value: Any) -> tuple[str, str]:
    if isinstance(value, str):
        return value, ""
    value = value or {}
    return value.get("en", ""), value.get("ru", "")


def item_type_replace(item_type: ItemType, data: Mapping[str, Any]) -> None:
    """Make an existing type match the file in place: statuses and stages are matched
    by key (items and sign-offs point at them), the rest is rebuilt."""
    workspace = item_type.workspace
    # Steps and rules point at statuses and fields: drop them before those change.
    FieldRule.objects.filter(field__item_type=item_type).delete()
    item_type.transitions.all().delete()
    item_type.sla_rules.all().delete()
    file_statuses = data["statuses"]
    item_type.statuses.exclude(key__in=[s["key"] for s in file_statuses]).delete()
    item_type.statuses.update(is_initial=False)  # one initial at a time (constraint)
    statuses: dict[str, Status] = {}
    for position, s in enumerate(file_statuses):
        name_en, name_ru = _names(s.get("name"))
        statuses[s["key"]], _created = Status.objects.update_or_create(
            item_type=item_type,
            key=s["key"],
            defaults={
                "name_en": name_en,
                "name_ru": name_ru,
                "colour": s.get("colour", "neutral"),
                "icon": s.get("icon", "circle-stack"),
                "category": s.get("category", "open"),
                "queued": bool(s.get("queued")),
                "is_initial": bool(s.get("initial")),
                "position": position,
            },
        )
    file_stages = data.get("stages") or []
    item_type.stages.exclude(key__in=[s["key"] for s in file_stages]).delete()
    departments = departments_by_name(workspace)
    stages: dict[str, Stage] = {}
    for position, st in enumerate(file_stages):
        name_en, name_ru = _names(st.get("name"))
        stages[st["key"]], _created = Stage.objects.update_or_create(
            item_type=item_type,
            key=st["key"],
            defaults={
                "name_en": name_en,
                "name_ru": name_ru,
                "position": position,
                "department": departments[st["department"]] if st.get("department") else None,
                "sign_permission": st.get("sign_permission", ""),
            },
        )
    for position, t in enumerate(data.get("transitions") or []):
        label = t.get("label") or {}
        Transition.objects.create(
            item_type=item_type,
            key=t["key"],
            position=position,
            from_status=statuses[t["from"]] if t.get("from") else None,
            to_status=statuses[t["to"]],
            label_en=label.get("en", t["key"]),
            label_ru=label.get("ru", ""),
            permission=t.get("permission", ""),
            requester_may=bool(t.get("requester")),
            assignee_may=bool(t.get("assignee")),
            guards=list(t.get("guards", [])),
            requires_stages=list(t.get("requires_stages", [])),
            needs_comment=bool(t.get("needs_comment")),
        )
    # Fields are rebuilt: items hold their values by key, not by field row.
    item_type.fields.all().delete()
    fields: dict[str, FieldDef] = {}
    for position, f in enumerate(data.get("fields") or []):
        name_en, name_ru = _names(f.get("name"))
        help_text = f.get("help") or {}
        fields[f["key"]] = FieldDef.objects.create(
            item_type=item_type,
            key=f["key"],
            kind=f.get("kind", "text"),
            choices=f.get("choices", []),
            position=position,
            stage=stages[f["stage"]] if f.get("stage") else None,
            computed=f.get("computed", ""),
            help_en=help_text.get("en", ""),
            help_ru=help_text.get("ru", ""),
            name_en=name_en,
            name_ru=name_ru,
        )
    roles = {r.name: r for r in Role.objects.filter(workspace=workspace)}
    for f in data.get("fields") or []:
        if f.get("roles"):  # a person field offers the people of these roles
            fields[f["key"]].roles.set([roles[name] for name in f["roles"]])
    for rule in data.get("field_rules") or []:
        for key in rule["fields"] if "fields" in rule else [rule["field"]]:
            for status_key in rule.get("statuses") or [rule.get("status")]:
                FieldRule.objects.create(
                    field=fields[key],
                    mode=rule["mode"],
                    status=statuses[status_key] if status_key else None,
                    stage=stages[rule["stage"]] if rule.get("stage") else None,
                    role=roles[rule["role"]] if rule.get("role") else None,
                    relation=rule.get("relation", ""),
                )
    for position, sla in enumerate(data.get("sla") or []):
        when = sla.get("when") or {}
        SlaRule.objects.create(
            item_type=item_type,
            position=position,
            condition_field=when.get("field", ""),
            condition_value=str(when.get("value", "")),
            start_within_hours=sla["start_hours"],
            finish_within_hours=sla["finish_hours"],
        )
    name_en, name_ru = _names(data.get("name"))
    item_type.name_en, item_type.name_ru = name_en, name_ru
    item_type.number_prefix = data["prefix"]
    item_type.requires_contacts = bool(data.get("requires_contacts"))
    item_type.take_transition = data.get("take_transition") or "take"
    if item_type.skill_field not in fields:
        item_type.skill_field = ""
    if "sequential_stages" in data:  # older files keep the type's setting
        item_type.sequential_stages = bool(data["sequential_stages"])
    item_type.save()
    if "message_visibility" in data:  # older files keep the rules there are
        message_visibility_replace(item_type=item_type, rows=data["message_visibility"])
