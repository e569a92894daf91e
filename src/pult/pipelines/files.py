"""Pipeline files as data: parsing an upload, checking its shape (types, keys, the
palette, the icon list, the permission catalogue, duplicates) and then what it refers to
(statuses, stages, fields, roles, departments, guards, step effects, computations, and
the sections' own checks) — everything `io.item_type_import` checks before it writes.
The palette, icons and relations are the editor's choices too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pult.access.catalogue import all_codes
from pult.access.models import Role
from pult.accounts.models import Department
from pult.core.exceptions import DomainError
from pult.pipelines import sections
from pult.pipelines.effect_writers import SET_FIELD
from pult.work import computed, effects, guards
from pult.work.models import FieldKind, FieldMode, StatusCategory

if TYPE_CHECKING:
    from pult.accounts.models import Workspace

FORMAT = 1

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
    """What `file_problems` takes for granted: types, keys, the palette,
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
        step_effects = t.get("effects", [])
        if not isinstance(step_effects, list) or not all(
            isinstance(e, dict) and isinstance(e.get("name"), str) for e in step_effects
        ):
            errors.append(_("step “%(v)s”: effects must be a list of objects") % {"v": t["key"]})
        elif any(not isinstance(e.get("params", {}), dict) for e in step_effects):
            errors.append(
                _("step “%(v)s”: an effect's parameters must be an object") % {"v": t["key"]}
            )
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


def file_refusal(problems: list[str]) -> DomainError:
    """The one refusal of a pipeline file, shown next to the upload."""
    message = _("The pipeline file is not valid: %(errors)s") % {"errors": "; ".join(problems)}
    return DomainError(message, field_errors={"file": [message]})


def departments_by_name(workspace: Workspace) -> dict[str, Department]:
    """A file names a stage's department by name (ids differ between workspaces)."""
    return {d.name: d for d in Department.objects.filter(workspace=workspace).order_by("-pk")}


def file_problems(workspace: Workspace, data: Mapping[str, Any]) -> list[str]:
    """What a file of the right shape (`files.shape_errors`) refers to that is not there:
    statuses, stages, fields, roles, departments, guards, step effects, computations; and
    what its sections say."""
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
    for section in sections.registered():
        if section.key in data:
            errors += section.validate(data[section.key], workspace)
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
        for e in t.get("effects", []):
            params = e.get("params") or {}
            if e["name"] not in effects.names():
                errors.append(_("unknown effect “%(v)s”") % {"v": e["name"]})
            elif e["name"] == SET_FIELD and params.get("key") not in field_keys:
                errors.append(_("unknown field “%(v)s”") % {"v": params.get("key")})
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
