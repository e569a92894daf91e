"""Pipelines as files: export a work-item type to a plain dict (JSON) and import it back.

The same format is what presets are written in, so a configured pipeline can be
carried to another workspace or installation.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pult.access.models import Role
from pult.accounts.models import Department
from pult.chat.rule_selectors import message_visibility_rows
from pult.chat.rule_services import message_visibility_errors, message_visibility_replace
from pult.core.exceptions import DomainError
from pult.work import computed, guards
from pult.work.models import (
    FieldDef,
    FieldKind,
    FieldMode,
    FieldRule,
    ItemType,
    SlaRule,
    Stage,
    Status,
    StatusCategory,
    Transition,
)

FORMAT = 1


def _names(data: dict[str, Any], key: str = "name") -> dict[str, str]:
    value = data.get(key) or {}
    if isinstance(value, str):
        return {f"{key}_en": value, f"{key}_ru": ""}
    return {f"{key}_en": value.get("en", ""), f"{key}_ru": value.get("ru", "")}


@transaction.atomic
def item_type_import(*, workspace: Any, data: dict[str, Any]) -> ItemType:
    """Create (or replace) one work-item type from its exported form.

    Everything is checked before anything is written: unknown statuses, guards, roles
    or field kinds are refused with the name of what is wrong.
    """
    errors = _check(workspace, data)
    if errors:
        raise DomainError(
            _("The pipeline file is not valid: %(errors)s") % {"errors": "; ".join(errors)}
        )
    ItemType.objects.filter(workspace=workspace, key=data["key"], items__isnull=True).delete()
    item_type = ItemType.objects.create(
        workspace=workspace,
        key=data["key"],
        number_prefix=data["prefix"],
        requires_contacts=bool(data.get("requires_contacts")),
        take_transition=data.get("take_transition", "take"),
        auto_assign=bool(data.get("auto_assign")),
        skill_field=data.get("skill_field", ""),
        sequential_stages=bool(data.get("sequential_stages")),
        **_names(data),
    )
    statuses = {}
    for position, s in enumerate(data["statuses"]):
        statuses[s["key"]] = Status.objects.create(
            item_type=item_type,
            key=s["key"],
            colour=s.get("colour", "neutral"),
            icon=s.get("icon", "circle-stack"),
            category=s.get("category", "open"),
            queued=bool(s.get("queued")),
            is_initial=bool(s.get("initial")),
            position=position,
            **_names(s),
        )
    departments = departments_by_name(workspace)
    stages = {}
    for position, st in enumerate(data.get("stages", [])):
        stages[st["key"]] = Stage.objects.create(
            item_type=item_type,
            key=st["key"],
            position=position,
            department=departments[st["department"]] if st.get("department") else None,
            sign_permission=st.get("sign_permission", ""),
            **_names(st),
        )
    for position, t in enumerate(data.get("transitions", [])):
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
    fields = {}
    for position, f in enumerate(data.get("fields", [])):
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
            **_names(f),
        )
    roles = {r.name: r for r in Role.objects.filter(workspace=workspace)}
    for f in data.get("fields", []):
        if f.get("roles"):  # a person field offers the people of these roles
            fields[f["key"]].roles.set([roles[name] for name in f["roles"]])
    for rule in data.get("field_rules", []):
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
    for position, sla in enumerate(data.get("sla", [])):
        when = sla.get("when") or {}
        SlaRule.objects.create(
            item_type=item_type,
            position=position,
            condition_field=when.get("field", ""),
            condition_value=str(when.get("value", "")),
            start_within_hours=sla["start_hours"],
            finish_within_hours=sla["finish_hours"],
        )
    if "message_visibility" in data:  # older files leave the rules to the preset
        message_visibility_replace(item_type=item_type, rows=data["message_visibility"])
    return item_type


def departments_by_name(workspace: Any) -> dict[str, Department]:
    """A file names a stage's department by name (ids differ between workspaces)."""
    return {d.name: d for d in Department.objects.filter(workspace=workspace).order_by("-pk")}


def _check(workspace: Any, data: dict[str, Any]) -> list[str]:
    errors = []
    for key in ("key", "prefix", "statuses"):
        if not data.get(key):
            errors.append(_("“%(key)s” is missing") % {"key": key})
    if errors:
        return errors
    status_keys = {s["key"] for s in data["statuses"]}
    stage_keys = {s["key"] for s in data.get("stages", [])}
    field_keys = {f["key"] for f in data.get("fields", [])}
    role_names = set(Role.objects.filter(workspace=workspace).values_list("name", flat=True))
    department_names = set(departments_by_name(workspace))
    for st in data.get("stages", []):
        if st.get("department") and st["department"] not in department_names:
            errors.append(_("unknown department “%(v)s”") % {"v": st["department"]})
    errors += message_visibility_errors(data.get("message_visibility") or [], role_names)
    computed_keys = {f["key"] for f in data.get("fields", []) if f.get("computed")}
    if sum(bool(s.get("initial")) for s in data["statuses"]) != 1:
        errors.append(_("exactly one status must be the initial one"))
    for s in data["statuses"]:
        if s.get("category", "open") not in StatusCategory.values:
            errors.append(_("unknown status category “%(v)s”") % {"v": s.get("category")})
    for t in data.get("transitions", []):
        for end in ("from", "to"):
            if t.get(end) and t[end] not in status_keys:
                errors.append(_("unknown status “%(v)s”") % {"v": t[end]})
        for name in t.get("guards", []):
            if name not in guards.names():
                errors.append(_("unknown condition “%(v)s”") % {"v": name})
        for key in t.get("requires_stages", []):
            if key not in stage_keys:
                errors.append(_("unknown stage “%(v)s”") % {"v": key})
    for f in data.get("fields", []):
        if f.get("kind", "text") not in FieldKind.values:
            errors.append(_("unknown field kind “%(v)s”") % {"v": f.get("kind")})
        if f.get("stage") and f["stage"] not in stage_keys:
            errors.append(_("unknown stage “%(v)s”") % {"v": f["stage"]})
        if f.get("computed") and f["computed"] not in computed.names():
            errors.append(_("unknown computation “%(v)s”") % {"v": f["computed"]})
        for name in f.get("roles") or []:
            if name not in role_names:
                errors.append(_("unknown role “%(v)s”") % {"v": name})
    for rule in data.get("field_rules", []):
        keys = rule["fields"] if "fields" in rule else [rule.get("field")]
        errors += [_("unknown field “%(v)s”") % {"v": k} for k in keys if k not in field_keys]
        for status_key in rule.get("statuses") or [rule.get("status")]:
            if status_key and status_key not in status_keys:
                errors.append(_("unknown status “%(v)s”") % {"v": status_key})
        if rule.get("role") and rule["role"] not in role_names:
            errors.append(_("unknown role “%(v)s”") % {"v": rule["role"]})
        if rule.get("mode") not in FieldMode.values:
            errors.append(_("unknown field mode “%(v)s”") % {"v": rule.get("mode")})
        elif rule["mode"] in (FieldMode.EDIT, FieldMode.REQUIRED):
            errors += [
                _("field “%(v)s” is computed and cannot be filled in") % {"v": k}
                for k in keys
                if k in computed_keys
            ]
    return errors


def _role_names(field: FieldDef) -> list[str]:
    """The roles whose people a person field offers, by name (ids differ elsewhere)."""
    return sorted(r.name for r in field.roles.all())


def item_type_export(item_type: ItemType) -> dict[str, Any]:
    """The importable form of a work-item type: statuses, stages, steps, fields, the field
    policy, SLA and who sees whose comments."""

    def names(obj: Any, key: str = "name") -> dict[str, str]:
        return {"en": getattr(obj, f"{key}_en"), "ru": getattr(obj, f"{key}_ru")}

    return {
        "format": FORMAT,
        "key": item_type.key,
        "prefix": item_type.number_prefix,
        "name": names(item_type),
        "requires_contacts": item_type.requires_contacts,
        "take_transition": item_type.take_transition,
        "auto_assign": item_type.auto_assign,
        "skill_field": item_type.skill_field,
        "sequential_stages": item_type.sequential_stages,
        "statuses": [
            {
                "key": s.key,
                "name": names(s),
                "colour": s.colour,
                "icon": s.icon,
                "category": s.category,
                "queued": s.queued,
                "initial": s.is_initial,
            }
            for s in item_type.statuses.all()
        ],
        "stages": [
            {
                "key": s.key,
                "name": names(s),
                "department": s.department.name if s.department else None,
                "sign_permission": s.sign_permission,
            }
            for s in item_type.stages.select_related("department")
        ],
        "transitions": [
            {
                "key": t.key,
                "from": t.from_status.key if t.from_status else None,
                "to": t.to_status.key,
                "label": {"en": t.label_en, "ru": t.label_ru},
                "permission": t.permission,
                "requester": t.requester_may,
                "assignee": t.assignee_may,
                "guards": t.guards,
                "requires_stages": t.requires_stages,
                "needs_comment": t.needs_comment,
            }
            for t in item_type.transitions.select_related("from_status", "to_status")
        ],
        "fields": [
            {
                "key": f.key,
                "name": names(f),
                "kind": f.kind,
                "choices": f.choices,
                "stage": f.stage.key if f.stage else None,
                "computed": f.computed,
                "help": {"en": f.help_en, "ru": f.help_ru},
                **({"roles": _role_names(f)} if f.kind == FieldKind.USER else {}),
            }
            for f in item_type.fields.select_related("stage").prefetch_related("roles")
        ],
        "field_rules": [
            {
                "field": r.field.key,
                "status": r.status.key if r.status else None,
                "stage": r.stage.key if r.stage else None,
                "role": r.role.name if r.role else None,
                "relation": r.relation,
                "mode": r.mode,
            }
            for r in FieldRule.objects.filter(field__item_type=item_type)
            .select_related("field", "status", "stage", "role")
            .order_by("pk")
        ],
        "sla": [
            {
                "when": {"field": r.condition_field, "value": r.condition_value}
                if r.condition_field
                else {},
                "start_hours": float(r.start_within_hours),
                "finish_hours": float(r.finish_within_hours),
            }
            for r in item_type.sla_rules.all()
        ],
        "message_visibility": message_visibility_rows(item_type),
    }
