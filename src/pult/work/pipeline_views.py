"""The pipeline editor: thin views over `pipeline_selectors` and `pipeline_services`.

Only holders of `work.configure` see these pages; to everyone else, and for another
workspace's ids, they answer 404 (a pipeline they may not edit does not exist for them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pult.access.models import Role
from pult.accounts.models import Department, User
from pult.chat import rule_services
from pult.chat.rule_selectors import message_visibility_rule_list
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest
from pult.core.views import apply_domain_error, workspace_required
from pult.work import pipeline_selectors as selectors
from pult.work import pipeline_services as services
from pult.work import policies
from pult.work.models import FieldDef, FieldMode, ItemType, Stage, Status
from pult.work.pipeline_files import pipeline_file_parse
from pult.work.pipeline_forms import (
    FieldDefForm,
    ItemTypeSettingsForm,
    MessageRuleForm,
    PipelineImportForm,
    StageForm,
    StatusForm,
    TransitionForm,
)
from pult.work.pipeline_io import item_type_export


def _user(request: WorkspaceRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _configurer(request: WorkspaceRequest) -> User:
    actor = _user(request)
    if not policies.can_configure_pipeline(actor, request.workspace):
        raise Http404
    return actor


def _get_type(request: WorkspaceRequest, type_id: int) -> ItemType:
    try:
        return selectors.pipeline_get(
            actor=_configurer(request), workspace=request.workspace, item_type_id=type_id
        )
    except NotFound as error:
        raise Http404 from error


def _detail_url(item_type: ItemType, anchor: str = "") -> str:
    url = reverse("work:pipeline_detail", args=[item_type.pk])
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------- list and import


@workspace_required
def pipeline_list(request: WorkspaceRequest) -> HttpResponse:
    """Item types with their sizes, and the import of a preset file."""
    actor = _configurer(request)
    form = PipelineImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = pipeline_file_parse(form.cleaned_data["file"].read())
            item_type = services.pipeline_import(
                actor=actor, workspace=request.workspace, data=data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Pipeline “%(name)s” imported.") % {"name": item_type.name})
            return redirect("work:pipeline_detail", type_id=item_type.pk)
    context = {
        "item_types": selectors.pipeline_list(actor=actor, workspace=request.workspace),
        "form": form,
    }
    return render(request, "work/pipeline_list.html", context, status=400 if form.errors else 200)


@workspace_required
def pipeline_export(request: WorkspaceRequest, type_id: int) -> HttpResponse:
    """The type as a preset file, downloaded as an attachment."""
    item_type = _get_type(request, type_id)
    body = json.dumps(item_type_export(item_type), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    # The key is a slug, so it is safe in the header as it is.
    response["Content-Disposition"] = f'attachment; filename="{item_type.key}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- the detail page


def _settings_form(
    request: WorkspaceRequest, item_type: ItemType, statuses: list[Status], fields: list[FieldDef]
) -> ItemTypeSettingsForm:
    initial_status = next((s.pk for s in statuses if s.is_initial), None)
    return ItemTypeSettingsForm(
        request.POST if request.method == "POST" else None,
        statuses=statuses,
        fields=fields,
        initial={
            "name_en": item_type.name_en,
            "name_ru": item_type.name_ru,
            "number_prefix": item_type.number_prefix,
            "initial_status": initial_status,
            "requires_contacts": item_type.requires_contacts,
            "auto_assign": item_type.auto_assign,
            "skill_field": item_type.skill_field,
            "sequential_stages": item_type.sequential_stages,
        },
    )


@workspace_required
def pipeline_detail(request: WorkspaceRequest, type_id: int) -> HttpResponse:
    """Settings, statuses, stages, steps, fields, the field-policy matrix and the comment
    rules of one type.

    A fixed number of queries whatever the number of items: counts come from grouped
    subqueries, steps with their statuses in one join.
    """
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    statuses = selectors.status_rows(item_type)
    fields = list(item_type.fields.select_related("stage"))
    form = _settings_form(request, item_type, statuses, fields)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_type_settings_save(
                actor=actor,
                workspace=request.workspace,
                item_type_id=item_type.pk,
                name_en=data["name_en"],
                name_ru=data["name_ru"],
                number_prefix=data["number_prefix"],
                requires_contacts=data["requires_contacts"],
                auto_assign=data["auto_assign"],
                skill_field=data["skill_field"],
                sequential_stages=data["sequential_stages"],
                initial_status_id=data["initial_status"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect(_detail_url(item_type))
    stages = selectors.stage_rows(item_type, fields)
    stage_names = {st.key: st.name for st in stages}
    subjects = selectors.policy_subjects(request.workspace)
    subject = selectors.policy_subject(subjects, request.GET.get("who", ""))
    scope = _policy_scope(stages, request.GET.get("stage", ""))
    rows = [f for f in fields if f.stage_id == scope.pk] if scope else fields
    cells = selectors.policy_cells(item_type, subject, rows, scope)
    columns: list[tuple[str, str]] = [("any", _("Any status"))] + [
        (str(s.pk), s.name) for s in statuses
    ]
    # A computed field is never filled in: its cells offer hidden and read-only only.
    read_modes = [(v, label) for v, label in FieldMode.choices if v not in _WRITABLE]
    matrix = [
        (
            field,
            read_modes if field.computed else FieldMode.choices,
            [
                (
                    f"cell-{field.pk}-{column}",
                    label,
                    cells.get((field.pk, None if column == "any" else int(column)), ""),
                )
                for column, label in columns
            ],
        )
        for field in rows
    ]
    permission_labels = selectors.permission_labels()
    context = {
        "item_type": item_type,
        "form": form,
        "statuses": statuses,
        "stages": [(st, permission_labels.get(st.sign_permission, "")) for st in stages],
        "transitions": [
            (
                t,
                permission_labels.get(t.permission, t.permission),
                [stage_names.get(k, k) for k in t.requires_stages or []],
            )
            for t in selectors.transition_rows(item_type)
        ],
        "fields": fields,
        "subjects": subjects,
        "subject": subject,
        "scope": scope,
        "scopes": stages,
        "columns": columns,
        "matrix": matrix,
        "message_rules": list(message_visibility_rule_list(item_type)),
    }
    return render(request, "work/pipeline_detail.html", context, status=400 if form.errors else 200)


_WRITABLE = (FieldMode.EDIT, FieldMode.REQUIRED)


def _policy_scope(stages: list[Stage], value: str) -> Stage | None:
    """The stage whose rules the matrix shows ("" or unknown: rules of no stage)."""
    return next((st for st in stages if str(st.pk) == value), None)


@workspace_required
def pipeline_policy(request: WorkspaceRequest, type_id: int) -> HttpResponse:
    """Save the policy matrix of one subject (role, relation or anyone) and one scope (no
    stage, or one stage) at once."""
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    who = request.POST.get("who", "")
    subject = selectors.policy_subject(selectors.policy_subjects(request.workspace), who)
    scope = _policy_scope(list(item_type.stages.all()), request.POST.get("stage", ""))
    cells: dict[tuple[int, int | None], str] = {}
    for name in request.POST:
        if not name.startswith("cell-"):
            continue
        try:
            _prefix, field_id, column = name.split("-")
            cell = (int(field_id), None if column == "any" else int(column))
            cells[cell] = request.POST.get(name, "")
        except ValueError:
            continue  # not one of our cells: the service only sees well-formed ones
    try:
        services.field_rule_set(
            actor=actor,
            workspace=request.workspace,
            item_type_id=item_type.pk,
            role_id=subject.role.pk if subject.role else None,
            relation=subject.relation,
            stage_id=scope.pk if scope else None,
            cells=cells,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Field policy saved."))
    stage = f"&stage={scope.pk}" if scope else ""
    return redirect(
        reverse("work:pipeline_detail", args=[item_type.pk]) + f"?who={subject.value}{stage}#policy"
    )


# ---------------------------------------------------------------- statuses, stages, steps,
# fields and comment rules: one generic add/edit/delete over a description of each kind


@dataclass(frozen=True)
class _Kind:
    """One kind of row the editor adds, edits and deletes. The generic views below do the
    rest: 404 for rows of another type, the form, a refusal next to the fields it names,
    the redirect back to the section."""

    anchor: str  # the section of the detail page
    row_arg: str  # the URL's and the services' name of the row id, e.g. "status_id"
    delete_route: str
    rows: Callable[[ItemType], QuerySet[Any]]
    # (POST data or None, the type, the row or None) → the bound form with its initial.
    form: Callable[[Any, ItemType, Any], forms.Form]
    # Cleaned data → the save service's keyword arguments.
    kwargs: Callable[[dict[str, Any]], dict[str, Any]]
    save: Callable[..., Any]
    delete: Callable[..., None]
    title: Callable[[Any], str]  # of the row, or of a new one for None
    saved: Callable[[], str]


def _edit(request: WorkspaceRequest, type_id: int, row_id: int | None, kind: _Kind) -> HttpResponse:
    """The one add/edit page: valid input goes to the kind's service; a refusal is shown
    next to the fields it names, nothing typed is lost."""
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    row = None
    if row_id is not None:
        row = kind.rows(item_type).filter(pk=row_id).first()
        if row is None:
            raise Http404
    form = kind.form(request.POST or None, item_type, row)
    if request.method == "POST" and form.is_valid():
        try:
            kind.save(
                actor=actor,
                workspace=request.workspace,
                item_type_id=item_type.pk,
                **{kind.row_arg: row.pk if row else None},
                **kind.kwargs(form.cleaned_data),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, kind.saved())
            return redirect(_detail_url(item_type, kind.anchor))
    context = {
        "item_type": item_type,
        "form": form,
        "title": kind.title(row),
        "back_url": _detail_url(item_type, kind.anchor),
        "delete_url": reverse(kind.delete_route, args=[item_type.pk, row.pk]) if row else "",
    }
    return render(request, "work/pipeline_form.html", context, status=400 if form.errors else 200)


def _remove(request: WorkspaceRequest, type_id: int, row_id: int, kind: _Kind) -> HttpResponse:
    """Delete a row (POST, after the page's confirmation); a refusal says why and changes
    nothing."""
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not kind.rows(item_type).filter(pk=row_id).exists():
        raise Http404
    try:
        kind.delete(actor=actor, workspace=request.workspace, **{kind.row_arg: row_id})
    except NotFound as error:
        raise Http404 from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Deleted."))
    return redirect(_detail_url(item_type, kind.anchor))


_PageView = Callable[..., HttpResponse]


def _views(kind: _Kind) -> tuple[_PageView, _PageView, _PageView]:
    """The new, edit and delete views of a kind; the URLs name the row `kind.row_arg`."""

    def new(request: HttpRequest, type_id: int) -> HttpResponse:
        return _edit(request, type_id, None, kind)  # type: ignore[arg-type]

    def edit(request: HttpRequest, type_id: int, **ids: int) -> HttpResponse:
        return _edit(request, type_id, ids[kind.row_arg], kind)  # type: ignore[arg-type]

    def delete(request: HttpRequest, type_id: int, **ids: int) -> HttpResponse:
        return _remove(request, type_id, ids[kind.row_arg], kind)  # type: ignore[arg-type]

    return workspace_required(new), workspace_required(edit), workspace_required(delete)


def _same(data: dict[str, Any]) -> dict[str, Any]:
    return data


def _status_form(data: Any, item_type: ItemType, status: Status | None) -> forms.Form:
    initial = (
        {
            "key": status.key,
            "name_en": status.name_en,
            "name_ru": status.name_ru,
            "colour": status.colour,
            "icon": status.icon,
            "category": status.category,
            "queued": status.queued,
            "is_initial": status.is_initial,
            "position": status.position,
        }
        if status
        else {"position": item_type.statuses.count(), "colour": "neutral", "icon": "tag"}
    )
    return StatusForm(data, initial=initial)


_STATUS = _Kind(
    anchor="statuses",
    row_arg="status_id",
    delete_route="work:pipeline_status_delete",
    rows=lambda t: t.statuses.all(),
    form=_status_form,
    kwargs=_same,
    save=services.status_save,
    delete=services.status_delete,
    title=lambda s: _("Status “%(name)s”") % {"name": s.name} if s else _("New status"),
    saved=lambda: _("Status saved."),
)


def _stage_form(data: Any, item_type: ItemType, stage: Stage | None) -> forms.Form:
    departments = list(Department.objects.filter(workspace=item_type.workspace).order_by("name"))
    if stage is None:
        return StageForm(
            data,
            departments=departments,
            stage_fields=None,
            initial={"position": item_type.stages.count()},
        )
    initial = {
        "key": stage.key,
        "name_en": stage.name_en,
        "name_ru": stage.name_ru,
        "department": stage.department_id,
        "sign_permission": stage.sign_permission,
        "required_fields": sorted(services.stage_required_field_ids(stage)),
        "position": stage.position,
    }
    return StageForm(
        data, departments=departments, stage_fields=list(stage.fields.all()), initial=initial
    )


def _stage_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    kwargs = {k: v for k, v in data.items() if k not in ("department", "required_fields")}
    kwargs["department_id"] = data["department"]
    # A new stage's form has no such field: None leaves the marks alone.
    kwargs["required_field_ids"] = data.get("required_fields")
    return kwargs


_STAGE = _Kind(
    anchor="stages",
    row_arg="stage_id",
    delete_route="work:pipeline_stage_delete",
    rows=lambda t: t.stages.all(),
    form=_stage_form,
    kwargs=_stage_kwargs,
    save=services.stage_save,
    delete=services.stage_delete,
    title=lambda s: _("Stage “%(name)s”") % {"name": s.name} if s else _("New stage"),
    saved=lambda: _("Stage saved."),
)


def _transition_form(data: Any, item_type: ItemType, transition: Any) -> forms.Form:
    initial: dict[str, Any] = (
        {
            "key": transition.key,
            "label_en": transition.label_en,
            "label_ru": transition.label_ru,
            "from_status": transition.from_status_id,
            "to_status": transition.to_status_id,
            "permission": transition.permission,
            "requester_may": transition.requester_may,
            "assignee_may": transition.assignee_may,
            "guards": list(transition.guards or []),
            "requires_stages": list(transition.requires_stages or []),
            "needs_comment": transition.needs_comment,
            "position": transition.position,
        }
        if transition
        else {"position": item_type.transitions.count()}
    )
    return TransitionForm(
        data,
        statuses=list(item_type.statuses.all()),
        stages=list(item_type.stages.all()),
        initial=initial,
    )


def _transition_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": data["key"],
        "from_status_id": data["from_status"],
        "to_status_id": data["to_status"],
        "label_en": data["label_en"],
        "label_ru": data["label_ru"],
        "permission": data["permission"],
        "requester_may": data["requester_may"],
        "assignee_may": data["assignee_may"],
        "guard_names": data["guards"],
        "required_stage_keys": data.get("requires_stages", []),
        "needs_comment": data["needs_comment"],
        "position": data["position"],
    }


_TRANSITION = _Kind(
    anchor="transitions",
    row_arg="transition_id",
    delete_route="work:pipeline_transition_delete",
    rows=lambda t: t.transitions.all(),
    form=_transition_form,
    kwargs=_transition_kwargs,
    save=services.transition_save,
    delete=services.transition_delete,
    title=lambda t: _("Step “%(name)s”") % {"name": t.label} if t else _("New step"),
    saved=lambda: _("Step saved."),
)


def _field_form(data: Any, item_type: ItemType, field: FieldDef | None) -> forms.Form:
    initial: dict[str, Any] = (
        {
            "key": field.key,
            "name_en": field.name_en,
            "name_ru": field.name_ru,
            "kind": field.kind,
            "choices": services.choices_text(field.choices or []),
            "help_en": field.help_en,
            "help_ru": field.help_ru,
            "stage": field.stage_id,
            "computed": field.computed,
            "roles": [r.pk for r in field.roles.all()],
            "position": field.position,
        }
        if field
        else {"position": item_type.fields.count()}
    )
    roles = list(Role.objects.filter(workspace=item_type.workspace).order_by("name"))
    return FieldDefForm(data, stages=list(item_type.stages.all()), roles=roles, initial=initial)


def _field_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    kwargs = {k: v for k, v in data.items() if k not in ("stage", "computed", "roles")}
    return kwargs | {
        "stage_id": data["stage"],
        "computed_name": data["computed"],
        "role_ids": data["roles"],
    }


_FIELD = _Kind(
    anchor="fields",
    row_arg="field_id",
    delete_route="work:pipeline_field_delete",
    rows=lambda t: t.fields.all(),
    form=_field_form,
    kwargs=_field_kwargs,
    save=services.field_save,
    delete=services.field_delete,
    title=lambda f: _("Field “%(name)s”") % {"name": f.name} if f else _("New field"),
    saved=lambda: _("Field saved."),
)


def _rule_form(data: Any, item_type: ItemType, rule: Any) -> forms.Form:
    roles = list(Role.objects.filter(workspace=item_type.workspace).order_by("name"))
    initial = (
        {
            "viewer_role": rule.viewer_role_id,
            "sees": rule.sees,
            "author_roles": [r.pk for r in rule.author_roles.all()],
        }
        if rule
        else {}
    )
    return MessageRuleForm(data, roles=roles, initial=initial)


def _rule_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "viewer_role_id": data["viewer_role"],
        "sees": data["sees"],
        "author_role_ids": data["author_roles"],
    }


_MESSAGE_RULE = _Kind(
    anchor="comments",
    row_arg="rule_id",
    delete_route="work:pipeline_message_rule_delete",
    rows=message_visibility_rule_list,
    form=_rule_form,
    kwargs=_rule_kwargs,
    save=rule_services.message_visibility_rule_save,
    delete=rule_services.message_visibility_rule_delete,
    title=lambda r: (
        _("Comments seen by “%(role)s”") % {"role": r.viewer_role.name}
        if r
        else _("New comment rule")
    ),
    saved=lambda: _("Comment rule saved."),
)

pipeline_status_new, pipeline_status_edit, pipeline_status_delete = _views(_STATUS)
pipeline_stage_new, pipeline_stage_edit, pipeline_stage_delete = _views(_STAGE)
pipeline_transition_new, pipeline_transition_edit, pipeline_transition_delete = _views(_TRANSITION)
pipeline_field_new, pipeline_field_edit, pipeline_field_delete = _views(_FIELD)
pipeline_message_rule_new, pipeline_message_rule_edit, pipeline_message_rule_delete = _views(
    _MESSAGE_RULE
)
