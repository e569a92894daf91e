"""Pipelines as files: a work-item type exported to a plain dict (JSON) and imported back.

The same format is what presets are written in, so a configured pipeline can be carried
to another workspace or installation. An import writes each row through the editor's
writers (`writers`, `field_writers`), so a file is held to the rules a form is held to,
and the sections other apps register (`sections`) follow the engine's keys.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from pult.access.models import Role
from pult.core.exceptions import DomainError
from pult.pipelines import field_writers, sections, writers
from pult.pipelines.files import (
    FORMAT,
    departments_by_name,
    file_problems,
    file_refusal,
    shape_errors,
)
from pult.work.models import (
    FieldDef,
    FieldKind,
    FieldRule,
    Item,
    ItemType,
    SignOff,
    Stage,
    Status,
    Transition,
)
from pult.work.pipeline_cache import pipeline_changed

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def _names(value: Any) -> tuple[str, str]:
    """A file's name: {"en": …, "ru": …}, or one string for both."""
    if isinstance(value, str):
        return value, ""
    value = value or {}
    return value.get("en", ""), value.get("ru", "")


@contextmanager
def _row(what: str, key: Any) -> Iterator[None]:
    """A writer's refusal of one of the file's rows, as a refusal of the file."""
    try:
        yield
    except DomainError as error:
        problems = [m for messages in error.field_errors.values() for m in messages]
        raise file_refusal(
            [
                _("%(what)s “%(key)s”: %(problem)s") % {"what": what, "key": key, "problem": p}
                for p in problems or [error.message]
            ]
        ) from error


def _blockers(item_type: ItemType, data: Mapping[str, Any]) -> list[str]:
    """Why the file cannot replace the type: an item in a status the file drops (or whose
    category or queue flag it changes), a sign-off on a stage it drops."""
    by_key = {s["key"]: s for s in data["statuses"]}
    blocked = []
    for status in item_type.statuses.all():
        if not Item.objects.filter(status=status).exists():
            continue
        new = by_key.get(status.key)
        if new is None:
            blocked.append(_("items are in “%(v)s”, which the file drops") % {"v": status.name})
        elif (new.get("category", "open"), bool(new.get("queued"))) != (
            status.category,
            status.queued,
        ):
            blocked.append(
                _("items are in “%(v)s”, whose category or queue flag the file changes")
                % {"v": status.name}
            )
    stage_keys = {s["key"] for s in data.get("stages") or []}
    for stage in item_type.stages.exclude(key__in=stage_keys):
        if SignOff.objects.filter(stage=stage).exists():
            blocked.append(
                _("stage “%(v)s” has sign-offs and the file drops it") % {"v": stage.name}
            )
    return blocked


@transaction.atomic
def item_type_import(
    *, workspace: Workspace, data: Mapping[str, Any], actor: User | None = None
) -> ItemType:
    """Make the workspace's type `data["key"]` what the file says, all or nothing. A new
    key creates the type; an existing one is changed in place: statuses, stages and
    fields are matched by key (items, sign-offs and values point at them), the steps,
    field policy and regulations are rebuilt, and every row is written by the editor's
    writers. Refused, naming why, before anything is written: a file that is not valid,
    an item in a status the file drops (or whose category or queue flag it changes), a
    sign-off on a stage it drops. A row the editor would refuse is refused as a problem
    of the file, and the transaction takes back what was written before it.

    The caller checks who may (`services.pipeline_import`; a preset is trusted) and
    records the event; `actor` is passed to the sections."""
    if problems := shape_errors(data) or file_problems(workspace, data):
        raise file_refusal(problems)
    item_type = (
        ItemType.objects.select_for_update().filter(workspace=workspace, key=data["key"]).first()
    )
    if item_type is not None and (blocked := _blockers(item_type, data)):
        message = _("The pipeline was not replaced: %(reasons)s.") % {"reasons": "; ".join(blocked)}
        raise DomainError(message, field_errors={"file": [message]})
    name_en, name_ru = _names(data.get("name"))
    settings: dict[str, Any] = {
        "name_en": name_en,
        "name_ru": name_ru,
        "number_prefix": data["prefix"],
        "requires_contacts": bool(data.get("requires_contacts")),
        "take_transition": data.get("take_transition") or "take",
        # Older files keep a replaced type's settings they do not name.
        "sequential_stages": bool(data["sequential_stages"])
        if "sequential_stages" in data
        else None,
    }
    if item_type is None:
        settings["auto_assign"] = bool(data.get("auto_assign"))
        with _row(_("type"), data["key"]):
            # The skill field is set below, once the fields exist.
            item_type = writers.type_write(
                ItemType(workspace=workspace, key=data["key"]), **settings
            )
    else:
        settings["auto_assign"] = bool(data.get("auto_assign", item_type.auto_assign))
        writers.rebuilt_rows_clear(item_type)
    statuses = _statuses_write(item_type, data["statuses"])
    stages = _stages_write(item_type, data.get("stages") or [])
    roles = {r.name: r for r in Role.objects.filter(workspace=workspace)}
    fields = _fields_write(item_type, data.get("fields") or [], stages, roles)
    skill_field = data.get("skill_field", item_type.skill_field) or ""
    if "skill_field" not in data and skill_field not in fields:
        skill_field = ""  # an older file dropped the field the type matched skills by
    with _row(_("type"), data["key"]):
        writers.type_write(item_type, **settings, skill_field=skill_field)
    # What the file drops goes once nothing of the file points at it.
    for field in item_type.fields.exclude(key__in=list(fields)):
        with _row(_("field"), field.key):
            field_writers.field_remove(item_type, field)
    for stage in item_type.stages.exclude(key__in=list(stages)):
        with _row(_("stage"), stage.key):
            writers.stage_remove(item_type, stage)
    for status in item_type.statuses.exclude(key__in=list(statuses)):
        with _row(_("status"), status.key):
            writers.status_remove(item_type, status)
    _transitions_write(item_type, data.get("transitions") or [], statuses)
    _rules_write(item_type, data.get("field_rules") or [], statuses, stages, fields, roles)
    for position, sla in enumerate(data.get("sla") or []):
        when = sla.get("when") or {}
        field_writers.sla_rule_write(
            item_type,
            position=position,
            condition_field=when.get("field", ""),
            condition_value=str(when.get("value", "")),
            start_hours=sla["start_hours"],
            finish_hours=sla["finish_hours"],
        )
    for section in sections.registered():
        if section.key in data:
            section.import_(item_type, data[section.key], actor)
    pipeline_changed(item_type.pk)  # the bulk writes above skip the signals that renew it
    return item_type


def _statuses_write(item_type: ItemType, rows: list[dict[str, Any]]) -> dict[str, Status]:
    existing = {s.key: s for s in item_type.statuses.all()}
    statuses = {}
    for position, s in enumerate(rows):
        name_en, name_ru = _names(s.get("name"))
        with _row(_("status"), s["key"]):
            statuses[s["key"]] = writers.status_write(
                item_type,
                existing.get(s["key"]) or Status(item_type=item_type),
                key=s["key"],
                name_en=name_en,
                name_ru=name_ru,
                colour=s.get("colour", "neutral"),
                icon=s.get("icon", "circle-stack"),
                category=s.get("category", "open"),
                queued=bool(s.get("queued")),
                is_initial=bool(s.get("initial")),
                position=position,
            )
    return statuses


def _stages_write(item_type: ItemType, rows: list[dict[str, Any]]) -> dict[str, Stage]:
    existing = {s.key: s for s in item_type.stages.all()}
    departments = departments_by_name(item_type.workspace)
    stages = {}
    for position, st in enumerate(rows):
        name_en, name_ru = _names(st.get("name"))
        with _row(_("stage"), st["key"]):
            stages[st["key"]] = writers.stage_write(
                item_type,
                existing.get(st["key"]) or Stage(item_type=item_type),
                key=st["key"],
                name_en=name_en,
                name_ru=name_ru,
                department_id=departments[st["department"]].pk if st.get("department") else None,
                sign_permission=st.get("sign_permission") or "",
                position=position,
            )
    return stages


def _fields_write(
    item_type: ItemType,
    rows: list[dict[str, Any]],
    stages: dict[str, Stage],
    roles: dict[str, Role],
) -> dict[str, FieldDef]:
    existing = {f.key: f for f in item_type.fields.all()}
    fields = {}
    for position, f in enumerate(rows):
        name_en, name_ru = _names(f.get("name"))
        help_en, help_ru = _names(f.get("help"))
        with _row(_("field"), f["key"]):
            fields[f["key"]] = field_writers.field_write(
                item_type,
                existing.get(f["key"]) or FieldDef(item_type=item_type),
                key=f["key"],
                name_en=name_en,
                name_ru=name_ru,
                kind=f.get("kind", "text"),
                choices=f.get("choices") or [],
                help_en=help_en,
                help_ru=help_ru,
                stage_id=stages[f["stage"]].pk if f.get("stage") else None,
                computed_name=f.get("computed") or "",
                position=position,
                # A person field offers the people of these roles.
                role_ids=[roles[name].pk for name in f.get("roles") or []],
            )
    return fields


def _transitions_write(
    item_type: ItemType, rows: list[dict[str, Any]], statuses: dict[str, Status]
) -> None:
    for position, t in enumerate(rows):
        label_en, label_ru = _names(t.get("label"))
        with _row(_("step"), t["key"]):
            writers.transition_write(
                item_type,
                Transition(item_type=item_type),
                key=t["key"],
                from_status_id=statuses[t["from"]].pk if t.get("from") else None,
                to_status_id=statuses[t["to"]].pk,
                label_en=label_en or t["key"],
                label_ru=label_ru,
                permission=t.get("permission") or "",
                requester_may=bool(t.get("requester")),
                assignee_may=bool(t.get("assignee")),
                guard_names=list(t.get("guards") or []),
                required_stage_keys=list(t.get("requires_stages") or []),
                needs_comment=bool(t.get("needs_comment")),
                position=position,
                effects=[(e["name"], e.get("params") or {}) for e in t.get("effects", [])],
            )


def _rules_write(
    item_type: ItemType,
    rows: list[dict[str, Any]],
    statuses: dict[str, Status],
    stages: dict[str, Stage],
    fields: dict[str, FieldDef],
    roles: dict[str, Role],
) -> None:
    """Each rule of the file is one subject's cells (its fields × its statuses), written
    in the file's order: the export lists them in the same order."""
    for rule in rows:
        keys = rule["fields"] if "fields" in rule else [rule["field"]]
        cells = {
            (fields[key].pk, statuses[status_key].pk if status_key else None): rule["mode"]
            for key in keys
            for status_key in rule.get("statuses") or [rule.get("status")]
        }
        with _row(_("Field policy"), ", ".join(keys)):
            field_writers.field_rules_write(
                item_type,
                role_id=roles[rule["role"]].pk if rule.get("role") else None,
                relation=rule.get("relation") or "",
                stage_id=stages[rule["stage"]].pk if rule.get("stage") else None,
                cells=cells,
            )


def _effects(transition: Transition) -> list[dict[str, Any]]:
    """A step's effects as the file names them, in the order they run."""
    return [{"name": e.name, "params": e.params or {}} for e in transition.effects.all()]


def _role_names(field: FieldDef) -> list[str]:
    """The roles whose people a person field offers, by name (ids differ elsewhere)."""
    return sorted(r.name for r in field.roles.all())


def item_type_export(item_type: ItemType) -> dict[str, Any]:
    """The importable form of a work-item type: statuses, stages, steps (with their
    effects), fields, the field policy, SLA, and the sections of other apps (e.g. who
    sees whose comments)."""

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
                # Only a step that has effects names them: files of steps without any
                # stay as they were before steps had effects.
                **({"effects": _effects(t)} if t.effects.all() else {}),
            }
            for t in item_type.transitions.select_related(
                "from_status", "to_status"
            ).prefetch_related("effects")
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
        **{section.key: section.export(item_type) for section in sections.registered()},
    }
