"""The editor's add, edit and delete pages of a type's rows: statuses, stages, steps,
fields, and the rows of the sections other apps register (chat's comment rules). One
generic set of views over a description of each kind (`sections.RowPages`) does the
rest: 404 for rows of another type, the form, a refusal next to the fields it names,
the redirect back to the section of the detail page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pult.access.models import Role
from pult.accounts.models import Department
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest
from pult.core.views import apply_domain_error, workspace_required
from pult.pipelines import services
from pult.pipelines.effect_writers import SET_FIELD
from pult.pipelines.field_writers import choices_text
from pult.pipelines.forms import FieldDefForm, StageForm, StatusForm, TransitionForm
from pult.pipelines.sections import RowPages
from pult.pipelines.selectors import stage_required_field_ids
from pult.pipelines.views import configurer, detail_url, type_get
from pult.work.models import FieldDef, ItemType, Stage, Status


def _edit(
    request: WorkspaceRequest, type_id: int, row_id: int | None, kind: RowPages
) -> HttpResponse:
    """The one add/edit page: valid input goes to the kind's service; a refusal is shown
    next to the fields it names, nothing typed is lost."""
    actor = configurer(request)
    item_type = type_get(request, type_id)
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
            return redirect(detail_url(item_type, kind.anchor))
    context = {
        "item_type": item_type,
        "form": form,
        "title": kind.title(row),
        "back_url": detail_url(item_type, kind.anchor),
        "delete_url": reverse(f"pipelines:{kind.route}_delete", args=[item_type.pk, row.pk])
        if row
        else "",
    }
    return render(
        request, "pipelines/pipeline_form.html", context, status=400 if form.errors else 200
    )


def _remove(request: WorkspaceRequest, type_id: int, row_id: int, kind: RowPages) -> HttpResponse:
    """Delete a row (POST, after the page's confirmation); a refusal says why and changes
    nothing."""
    actor = configurer(request)
    item_type = type_get(request, type_id)
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
    return redirect(detail_url(item_type, kind.anchor))


_PageView = Callable[..., HttpResponse]


def row_views(kind: RowPages) -> tuple[_PageView, _PageView, _PageView]:
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


STATUS = RowPages(
    route="status",
    path="statuses",
    row_arg="status_id",
    anchor="statuses",
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
        "required_fields": sorted(stage_required_field_ids(stage)),
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


STAGE = RowPages(
    route="stage",
    path="stages",
    row_arg="stage_id",
    anchor="stages",
    rows=lambda t: t.stages.all(),
    form=_stage_form,
    kwargs=_stage_kwargs,
    save=services.stage_save,
    delete=services.stage_delete,
    title=lambda s: _("Stage “%(name)s”") % {"name": s.name} if s else _("New stage"),
    saved=lambda: _("Stage saved."),
)


def _transition_form(data: Any, item_type: ItemType, transition: Any) -> forms.Form:
    current = [(e.name, e.params or {}) for e in transition.effects.all()] if transition else []
    set_field = next((params for name, params in current if name == SET_FIELD), {})
    value = set_field.get("value")
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
            "effects": [name for name, _params in current if name != SET_FIELD],
            "set_field_key": set_field.get("key", ""),
            "set_field_value": "" if value is None else str(value),
            "position": transition.position,
        }
        if transition
        else {"position": item_type.transitions.count()}
    )
    return TransitionForm(
        data,
        statuses=list(item_type.statuses.all()),
        stages=list(item_type.stages.all()),
        fields=list(item_type.fields.all()),
        current_effects=current,
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
        "effects": data["effect_rows"],
    }


TRANSITION = RowPages(
    route="transition",
    path="steps",
    row_arg="transition_id",
    anchor="transitions",
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
            "choices": choices_text(field.choices or []),
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


FIELD = RowPages(
    route="field",
    path="fields",
    row_arg="field_id",
    anchor="fields",
    rows=lambda t: t.fields.all(),
    form=_field_form,
    kwargs=_field_kwargs,
    save=services.field_save,
    delete=services.field_delete,
    title=lambda f: _("Field “%(name)s”") % {"name": f.name} if f else _("New field"),
    saved=lambda: _("Field saved."),
)

# The engine's kinds of rows; the sections' kinds are in `sections.registered()`.
KINDS = (STATUS, STAGE, TRANSITION, FIELD)
