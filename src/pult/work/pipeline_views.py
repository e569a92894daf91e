"""The pipeline editor: thin views over `pipeline_selectors` and `pipeline_services`.

Only holders of `work.configure` see these pages; to everyone else, and for another
workspace's ids, they answer 404 (a pipeline they may not edit does not exist for them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pult.accounts.models import User
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest
from pult.core.views import apply_domain_error, workspace_required
from pult.work import pipeline_selectors as selectors
from pult.work import pipeline_services as services
from pult.work import policies
from pult.work.models import FieldDef, FieldMode, ItemType, Status, Transition
from pult.work.pipeline_files import pipeline_file_parse
from pult.work.pipeline_forms import (
    FieldDefForm,
    ItemTypeSettingsForm,
    PipelineImportForm,
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
        },
    )


@workspace_required
def pipeline_detail(request: WorkspaceRequest, type_id: int) -> HttpResponse:
    """Settings, statuses, steps, fields and the field-policy matrix of one type.

    A fixed number of queries whatever the number of items: counts come from grouped
    subqueries, steps with their statuses in one join.
    """
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    statuses = selectors.status_rows(item_type)
    fields = list(item_type.fields.all())
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
                initial_status_id=data["initial_status"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect(_detail_url(item_type))
    subjects = selectors.policy_subjects(request.workspace)
    subject = selectors.policy_subject(subjects, request.GET.get("who", ""))
    cells = selectors.policy_cells(item_type, subject, fields)
    columns: list[tuple[str, str]] = [("any", _("Any status"))] + [
        (str(s.pk), s.name) for s in statuses
    ]
    matrix = [
        (
            field,
            [
                (
                    f"cell-{field.pk}-{column}",
                    label,
                    cells.get((field.pk, None if column == "any" else int(column)), ""),
                )
                for column, label in columns
            ],
        )
        for field in fields
    ]
    permission_labels = selectors.permission_labels()
    context = {
        "item_type": item_type,
        "form": form,
        "statuses": statuses,
        "transitions": [
            (t, permission_labels.get(t.permission, t.permission))
            for t in selectors.transition_rows(item_type)
        ],
        "fields": fields,
        "subjects": subjects,
        "subject": subject,
        "columns": columns,
        "matrix": matrix,
        "modes": FieldMode.choices,
    }
    return render(request, "work/pipeline_detail.html", context, status=400 if form.errors else 200)


@workspace_required
def pipeline_policy(request: WorkspaceRequest, type_id: int) -> HttpResponse:
    """Save the policy matrix of one subject (role, relation or anyone) at once."""
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    who = request.POST.get("who", "")
    subject = selectors.policy_subject(selectors.policy_subjects(request.workspace), who)
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
            cells=cells,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Field policy saved."))
    return redirect(
        reverse("work:pipeline_detail", args=[item_type.pk]) + f"?who={subject.value}#policy"
    )


# ---------------------------------------------------------------- statuses, steps, fields


def _edit_page(
    request: WorkspaceRequest,
    item_type: ItemType,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    anchor: str,
    delete_url: str = "",
    saved: str,
) -> HttpResponse:
    """The one add/edit page: valid input goes to `save` (a service call); a refusal is
    shown next to the fields it names, nothing typed is lost."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, saved)
            return redirect(_detail_url(item_type, anchor))
    context = {
        "item_type": item_type,
        "form": form,
        "title": title,
        "back_url": _detail_url(item_type, anchor),
        "delete_url": delete_url,
    }
    return render(request, "work/pipeline_form.html", context, status=400 if form.errors else 200)


def _delete(
    request: WorkspaceRequest, item_type: ItemType, anchor: str, delete: Callable[[], None]
) -> HttpResponse:
    try:
        delete()
    except NotFound as error:
        raise Http404 from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Deleted."))
    return redirect(_detail_url(item_type, anchor))


def _status_page(request: WorkspaceRequest, type_id: int, status_id: int | None) -> HttpResponse:
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    status = None
    if status_id is not None:
        status = item_type.statuses.filter(pk=status_id).first()
        if status is None:
            raise Http404
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
    form = StatusForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Status:
        return services.status_save(
            actor=actor,
            workspace=request.workspace,
            item_type_id=item_type.pk,
            status_id=status.pk if status else None,
            **data,
        )

    return _edit_page(
        request,
        item_type,
        form,
        save,
        title=_("Status “%(name)s”") % {"name": status.name} if status else _("New status"),
        anchor="statuses",
        delete_url=reverse("work:pipeline_status_delete", args=[item_type.pk, status.pk])
        if status
        else "",
        saved=_("Status saved."),
    )


@workspace_required
def pipeline_status_new(request: WorkspaceRequest, type_id: int) -> HttpResponse:
    return _status_page(request, type_id, None)


@workspace_required
def pipeline_status_edit(request: WorkspaceRequest, type_id: int, status_id: int) -> HttpResponse:
    return _status_page(request, type_id, status_id)


@workspace_required
def pipeline_status_delete(request: WorkspaceRequest, type_id: int, status_id: int) -> HttpResponse:
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not item_type.statuses.filter(pk=status_id).exists():
        raise Http404
    return _delete(
        request,
        item_type,
        "statuses",
        lambda: services.status_delete(
            actor=actor, workspace=request.workspace, status_id=status_id
        ),
    )


def _transition_page(
    request: WorkspaceRequest, type_id: int, transition_id: int | None
) -> HttpResponse:
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    transition: Transition | None = None
    if transition_id is not None:
        transition = item_type.transitions.filter(pk=transition_id).first()
        if transition is None:
            raise Http404
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
            "needs_comment": transition.needs_comment,
            "position": transition.position,
        }
        if transition
        else {"position": item_type.transitions.count()}
    )
    form = TransitionForm(
        request.POST or None, statuses=list(item_type.statuses.all()), initial=initial
    )

    def save(data: dict[str, Any]) -> Transition:
        return services.transition_save(
            actor=actor,
            workspace=request.workspace,
            item_type_id=item_type.pk,
            transition_id=transition.pk if transition else None,
            key=data["key"],
            from_status_id=data["from_status"],
            to_status_id=data["to_status"],
            label_en=data["label_en"],
            label_ru=data["label_ru"],
            permission=data["permission"],
            requester_may=data["requester_may"],
            assignee_may=data["assignee_may"],
            guard_names=data["guards"],
            needs_comment=data["needs_comment"],
            position=data["position"],
        )

    return _edit_page(
        request,
        item_type,
        form,
        save,
        title=_("Step “%(name)s”") % {"name": transition.label} if transition else _("New step"),
        anchor="transitions",
        delete_url=reverse("work:pipeline_transition_delete", args=[item_type.pk, transition.pk])
        if transition
        else "",
        saved=_("Step saved."),
    )


@workspace_required
def pipeline_transition_new(request: WorkspaceRequest, type_id: int) -> HttpResponse:
    return _transition_page(request, type_id, None)


@workspace_required
def pipeline_transition_edit(
    request: WorkspaceRequest, type_id: int, transition_id: int
) -> HttpResponse:
    return _transition_page(request, type_id, transition_id)


@workspace_required
def pipeline_transition_delete(
    request: WorkspaceRequest, type_id: int, transition_id: int
) -> HttpResponse:
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not item_type.transitions.filter(pk=transition_id).exists():
        raise Http404
    return _delete(
        request,
        item_type,
        "transitions",
        lambda: services.transition_delete(
            actor=actor, workspace=request.workspace, transition_id=transition_id
        ),
    )


def _field_page(request: WorkspaceRequest, type_id: int, field_id: int | None) -> HttpResponse:
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    field: FieldDef | None = None
    if field_id is not None:
        field = item_type.fields.filter(pk=field_id).first()
        if field is None:
            raise Http404
    initial: dict[str, Any] = (
        {
            "key": field.key,
            "name_en": field.name_en,
            "name_ru": field.name_ru,
            "kind": field.kind,
            "choices": services.choices_text(field.choices or []),
            "help_en": field.help_en,
            "help_ru": field.help_ru,
            "position": field.position,
        }
        if field
        else {"position": item_type.fields.count()}
    )
    form = FieldDefForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> FieldDef:
        return services.field_save(
            actor=actor,
            workspace=request.workspace,
            item_type_id=item_type.pk,
            field_id=field.pk if field else None,
            **data,
        )

    return _edit_page(
        request,
        item_type,
        form,
        save,
        title=_("Field “%(name)s”") % {"name": field.name} if field else _("New field"),
        anchor="fields",
        delete_url=reverse("work:pipeline_field_delete", args=[item_type.pk, field.pk])
        if field
        else "",
        saved=_("Field saved."),
    )


@workspace_required
def pipeline_field_new(request: WorkspaceRequest, type_id: int) -> HttpResponse:
    return _field_page(request, type_id, None)


@workspace_required
def pipeline_field_edit(request: WorkspaceRequest, type_id: int, field_id: int) -> HttpResponse:
    return _field_page(request, type_id, field_id)


@workspace_required
def pipeline_field_delete(request: WorkspaceRequest, type_id: int, field_id: int) -> HttpResponse:
    actor = _configurer(request)
    item_type = _get_type(request, type_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not item_type.fields.filter(pk=field_id).exists():
        raise Http404
    return _delete(
        request,
        item_type,
        "fields",
        lambda: services.field_delete(actor=actor, workspace=request.workspace, field_id=field_id),
    )
