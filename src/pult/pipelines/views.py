"""The pipeline editor: thin views over `selectors` and `services` — the list with the
file import, the export, the detail page and the field-policy matrix (the add, edit and
delete pages of rows: `row_views`).

Only holders of `work.configure` see these pages; to everyone else, and for another
workspace's ids, they answer 404 (a pipeline they may not edit does not exist for them).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pult.accounts.models import User
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.views import apply_domain_error, workspace_required
from pult.pipelines import sections, selectors, services
from pult.pipelines.effect_writers import SET_FIELD
from pult.pipelines.field_writers import WRITABLE
from pult.pipelines.files import pipeline_file_parse
from pult.pipelines.forms import ItemTypeSettingsForm, PipelineImportForm
from pult.pipelines.io import item_type_export
from pult.work import effects, policies
from pult.work.models import FieldDef, FieldMode, ItemType, Stage, Status, Transition
from pult.work.values import display_value


def configurer(request: WorkspaceRequest) -> User:
    """The actor, if they may configure the workspace's pipelines (else 404)."""
    actor = actor_of(request)
    if not policies.can_configure_pipeline(actor, request.workspace):
        raise Http404
    return actor


def type_get(request: WorkspaceRequest, type_id: int) -> ItemType:
    """The workspace's item type `type_id` for a configurer (else 404)."""
    try:
        return selectors.pipeline_get(
            actor=configurer(request), workspace=request.workspace, item_type_id=type_id
        )
    except NotFound as error:
        raise Http404 from error


def detail_url(item_type: ItemType, anchor: str = "") -> str:
    """The detail page, at one of its sections."""
    url = reverse("pipelines:detail", args=[item_type.pk])
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------- list and import


@workspace_required
def pipeline_list(request: WorkspaceRequest) -> HttpResponse:
    """Item types with their sizes, and the import of a preset file."""
    actor = configurer(request)
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
            return redirect("pipelines:detail", type_id=item_type.pk)
    context = {
        "item_types": selectors.pipeline_list(actor=actor, workspace=request.workspace),
        "form": form,
    }
    return render(
        request, "pipelines/pipeline_list.html", context, status=400 if form.errors else 200
    )


@workspace_required
def pipeline_export(request: WorkspaceRequest, type_id: int) -> HttpResponse:
    """The type as a preset file, downloaded as an attachment."""
    item_type = type_get(request, type_id)
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
    """Settings, statuses, stages, steps, fields and the field-policy matrix of one type,
    and the panels of the sections (e.g. chat's comment rules).

    A fixed number of queries whatever the number of items: counts come from grouped
    subqueries, steps with their statuses in one join.
    """
    actor = configurer(request)
    item_type = type_get(request, type_id)
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
            return redirect(detail_url(item_type))
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
    read_modes = [(v, label) for v, label in FieldMode.choices if v not in WRITABLE]
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
                _effect_texts(item_type, t, fields),
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
        # The sections other apps register draw their panels below the engine's.
        "panels": [
            (section.template, section.context(item_type, actor) if section.context else {})
            for section in sections.registered()
            if section.template
        ],
    }
    return render(
        request, "pipelines/pipeline_detail.html", context, status=400 if form.errors else 200
    )


def _effect_texts(item_type: ItemType, step: Transition, fields: list[FieldDef]) -> list[str]:
    """What the step does besides moving the item, by the effects' names for people: the
    type's take step's implicit assignment, then the step's own effects in order."""
    texts = []
    if step.key == item_type.take_transition:
        texts.append(
            _("%(effect)s (when taken from the queue)") % {"effect": effects.label("assign_actor")}
        )
    by_key = {f.key: f for f in fields}
    for row in step.effects.all():
        text = effects.label(row.name)
        params = row.params or {}
        if row.name == SET_FIELD and (field := by_key.get(params.get("key", ""))):
            text = f"{text}: {field.name} = {display_value(field, params.get('value'))}"
        texts.append(text)
    return texts


def _policy_scope(stages: list[Stage], value: str) -> Stage | None:
    """The stage whose rules the matrix shows ("" or unknown: rules of no stage)."""
    return next((st for st in stages if str(st.pk) == value), None)


@workspace_required
def pipeline_policy(request: WorkspaceRequest, type_id: int) -> HttpResponse:
    """Save the policy matrix of one subject (role, relation or anyone) and one scope (no
    stage, or one stage) at once."""
    actor = configurer(request)
    item_type = type_get(request, type_id)
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
        reverse("pipelines:detail", args=[item_type.pk]) + f"?who={subject.value}{stage}#policy"
    )
