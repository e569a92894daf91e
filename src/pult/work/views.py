"""Thin views of work items: selector → form → service → response."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pult.accounts.models import User
from pult.accounts.vocabulary import words_for
from pult.activity.selectors import timeline_for
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.core.forms import Form
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.pagination import parse_cursor
from pult.core.params import day_or_none, id_or_none
from pult.core.text import text_problem
from pult.core.views import apply_domain_error, refused, section_required, workspace_required
from pult.ui.panels import DrawnPanel
from pult.work import exports, filing, forms, pages, policies, selectors, services
from pult.work.events import remember_item_as_seen
from pult.work.filters import ItemFilter, parse_filter
from pult.work.models import (
    FieldDef,
    FieldKind,
    Item,
    ItemType,
    SavedView,
    StatusCategory,
)
from pult.work.panels import item_list_actions, item_panels
from pult.work.steps import available_steps, step_to
from pult.work.values import choice_label


def _get_item(request: WorkspaceRequest, item_id: int) -> Item:
    try:
        return selectors.item_get(
            actor=actor_of(request), workspace=request.workspace, item_id=item_id
        )
    except NotFound as error:
        raise Http404 from error


def _form_problems(form: Form) -> str:
    """A small form's errors in one line, for the refusal at the top of the item page."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _item_refused(request: WorkspaceRequest, item_id: int, error: DomainError) -> HttpResponse:
    if isinstance(error, NotFound):  # not theirs to see: no page, no refusal
        raise Http404
    return refused(request, error, lambda: item_detail(request, item_id))


def _back(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("work:item_detail", args=[item_id])
    return redirect(target)


def _filter_context(
    request: WorkspaceRequest, flt: ItemFilter, item_type: ItemType
) -> dict[str, Any]:
    from pult.parties.models import Brand, Outlet

    actor = actor_of(request)
    staff = policies.can_see_all_items(actor, request.workspace)
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("view", None)
    return {
        "flt": flt,
        "item_type": item_type,
        "item_types": pages.item_types(request),
        "statuses": list(item_type.statuses.all()),
        "filter_fields": [
            {
                "key": f.key,
                "name": f.name,
                "selected": flt.values.get(f.key, ""),
                "choices": [(c["value"], choice_label(f, c["value"])) for c in f.choices or []],
            }
            for f in item_type.fields.all()
            if f.kind == FieldKind.CHOICE
        ],
        "brands": list(Brand.objects.filter(workspace=request.workspace)) if staff else [],
        "cities": sorted(
            Outlet.objects.filter(workspace=request.workspace)
            .values_list("city", flat=True)
            .distinct()
            .order_by()
        )
        if staff
        else [],
        "specialists": selectors.specialist_choices(workspace=request.workspace) if staff else [],
        "saved_views": list(SavedView.objects.filter(workspace=request.workspace, user=actor)),
        "query": query.urlencode(),
        "save_form": forms.SavedViewForm(initial={"query": query.urlencode()}),
        "staff": staff,
        "filter_labels": selectors.filter_labels(actor=actor, workspace=request.workspace, flt=flt),
    }


@section_required("items")
def item_list(request: WorkspaceRequest) -> HttpResponse:
    """All visible items, filtered; as a list, a kanban board or a due-date calendar."""
    actor = actor_of(request)
    flt = parse_filter(request.GET)
    item_type = pages.item_type_of(request, flt)
    flt.item_type = item_type.pk
    mode = request.GET.get("view", "list")
    context = _filter_context(request, flt, item_type) | {
        "mode": mode,
        # Buttons other apps put in the head ("New order"), see pult.work.panels.
        "list_actions": item_list_actions.draw(request, item_type),
    }
    for message in flt.errors.values():
        messages.error(request, message)
    if mode == "kanban":
        context["columns"] = selectors.kanban_columns(
            actor=actor, workspace=request.workspace, item_type=item_type, flt=flt
        )
    elif mode == "calendar":
        context |= _month(request, actor, flt)
    else:
        context["page"] = selectors.item_rows(
            actor=actor,
            workspace=request.workspace,
            flt=flt,
            cursor=parse_cursor(request.GET.get("after")),
            item_types=context["item_types"],  # the filter's: spare reading them again
            statuses=context["statuses"],
        )
    return render(request, "work/item_list.html", context)


def _month(request: WorkspaceRequest, actor: User, flt: ItemFilter) -> dict[str, Any]:
    today = timezone.localdate()
    first = day_or_none(f"{request.GET.get('month', '')}-01") or today
    first = first.replace(day=1)
    days_in_month = month_calendar.monthrange(first.year, first.month)[1]
    after = first + timedelta(days=days_in_month)
    items = selectors.calendar_items(
        actor=actor, workspace=request.workspace, flt=flt, start=first, end=after
    )
    by_day: dict[date, list[Item]] = {}
    for item in items:
        assert item.due_at is not None
        by_day.setdefault(timezone.localtime(item.due_at).date(), []).append(item)
    weeks = []
    for week in month_calendar.Calendar().monthdatescalendar(first.year, first.month):
        weeks.append([(day, day.month == first.month, by_day.get(day, [])) for day in week])
    previous = (first - timedelta(days=1)).replace(day=1)
    return {
        "month": first,
        "weeks": weeks,
        "today": today,
        "previous_month": f"{previous:%Y-%m}",
        "next_month": f"{after:%Y-%m}",
    }


@section_required("items")
def item_export(request: WorkspaceRequest, fmt: str) -> HttpResponseBase:
    """The filtered list as CSV or XLSX, through the same selector as the page."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    flt = parse_filter(request.GET)
    item_type = pages.item_type_of(request, flt)
    flt.item_type = item_type.pk
    rows = selectors.item_export_rows(actor=actor_of(request), workspace=request.workspace, flt=flt)
    fields = list(item_type.fields.all())
    words = words_for(request.workspace)
    if fmt == "csv":
        return exports.csv_response(
            rows, fields, filename=f"{item_type.number_prefix}.csv", words=words
        )
    return exports.xlsx_response(
        rows, fields, filename=f"{item_type.number_prefix}.xlsx", words=words
    )


@section_required("archive")
def archive(request: WorkspaceRequest) -> HttpResponse:
    """The requester's finished work with its deliverables."""
    query = request.GET.get("q", "").strip()[:200]
    page = selectors.archive_page(
        actor=actor_of(request),
        workspace=request.workspace,
        cursor=parse_cursor(request.GET.get("after")),
        q=query,
    )
    return render(request, "work/archive.html", {"page": page, "query": query})


def _new_form(request: WorkspaceRequest, item_type: ItemType) -> forms.NewItemForm:
    from pult.parties.selectors import outlet_choices

    actor = actor_of(request)
    status = item_type.statuses.get(is_initial=True)
    definitions = list(item_type.fields.all())
    modes = policies.field_modes(
        actor=actor, item_type=item_type, status=status, item=None, fields=definitions
    )
    form = forms.NewItemForm(
        request.POST or None,
        request.FILES or None,
        definitions=definitions,
        modes=modes,
        outlets=outlet_choices(actor=actor, workspace=request.workspace),
    )
    if "outlet" in form.fields:  # named by the workspace: "Outlet" on the design desk
        form.fields["outlet"].label = words_for(request.workspace).place
    return form


@section_required("new_item")
def item_new(request: WorkspaceRequest) -> HttpResponse:
    """File a request: the technical-task form of the pipeline, every required field
    checked by the service; a similar open request of the outlet is offered to join."""
    actor = actor_of(request)
    if not policies.can_submit_item(actor, request.workspace):
        raise Http404
    item_type = pages.item_type_of(request, parse_filter(request.GET))
    form = _new_form(request, item_type)
    gaps = services.requester_gaps(actor=actor, workspace=request.workspace, item_type=item_type)
    similar: list[Item] = []
    if request.method == "POST":
        if "join" in request.POST:
            return _join(request)
        valid = form.is_valid()
        outlet_id = form.cleaned_data.get("outlet") if valid else None
        if valid and "file_anyway" not in request.POST:
            similar = selectors.similar_open_items(
                actor=actor,
                workspace=request.workspace,
                outlet_id=outlet_id or 0,
                item_type=item_type,
                values=form.raw_values(),
                title=form.cleaned_data["title"],
            )
        if valid and not similar:
            try:
                item = _file_with_references(request, form, item_type, outlet_id)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(item)s %(ref)s filed.")
                    % {"item": words_for(request.workspace).item, "ref": item.reference},
                )
                return redirect("work:item_detail", item_id=item.pk)
    context = {"form": form, "item_type": item_type, "gaps": gaps, "similar": similar}
    return render(request, "work/item_new.html", context, status=400 if form.errors else 200)


MAX_REFERENCE_FILES = 5


def _file_with_references(
    request: WorkspaceRequest, form: forms.NewItemForm, item_type: ItemType, outlet_id: int | None
) -> Item:
    """File the request and attach its reference files, all or nothing: every file is
    checked before anything is written, so a refused file refuses the filing."""
    from django.db import transaction

    uploads = request.FILES.getlist("references")
    files = filing.reference_files()
    if uploads and files is None:
        message = _("Files cannot be attached here.")
        raise DomainError(message, field_errors={"references": [message]})
    if len(uploads) > MAX_REFERENCE_FILES:
        message = _("Attach at most %(n)s files.") % {"n": MAX_REFERENCE_FILES}
        raise DomainError(message, field_errors={"references": [message]})
    for upload in uploads:
        assert files is not None
        try:
            files.check(upload)
        except DomainError as error:
            message = f"{upload.name}: {error.message}"
            raise DomainError(message, field_errors={"references": [message]}) from error
        upload.seek(0)
    actor = actor_of(request)
    with transaction.atomic():
        item = services.work_item_submit(
            actor=actor,
            workspace=request.workspace,
            item_type_key=item_type.key,
            title=form.cleaned_data["title"],
            values=form.raw_values(),
            outlet=services.outlet_for(request.workspace, outlet_id),
        )
        for upload in uploads:
            assert files is not None
            files.attach(actor, request.workspace, item, upload)
    return item


def _join(request: WorkspaceRequest) -> HttpResponse:
    item_id = id_or_none(request.POST.get("join"))
    if item_id is None:
        raise Http404
    try:
        item = services.work_item_join(
            actor=actor_of(request), workspace=request.workspace, item_id=item_id
        )
    except DomainError as error:
        raise Http404 from error
    messages.success(
        request, _("You have joined %(ref)s and will hear about it.") % {"ref": item.reference}
    )
    return redirect("work:item_detail", item_id=item.pk)


@workspace_required
def item_detail(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = _get_item(request, item_id)
    definitions: list[FieldDef] = list(item.item_type.fields.all())
    modes = policies.field_modes(
        actor=actor, item_type=item.item_type, status=item.status, item=item, fields=definitions
    )
    # Whom each person field offers: the people of its roles (and whoever it holds now).
    offered = selectors.person_choices(
        workspace=request.workspace, definitions=definitions, current=item.values
    )
    from pult.work.stages import stage_panel_list

    # Each stage with the form of its card: the panel says what it needs and who signs,
    # naming people from the choices just read (they keep whom a field holds now).
    people = [person for choices in offered.values() for person in choices]
    stages = [
        (
            panel,
            forms.ValuesForm(
                definitions=list(panel.fields),
                modes=modes,
                people=offered,
                initial=dict(item.values),
                prefix="v",
            ),
        )
        for panel in stage_panel_list(actor=actor, item=item, modes=modes, people=people)
    ]
    # A stage's fields are edited in its own card of the stages panel.
    plain = [f for f in definitions if f.stage_id is None]
    values_form = forms.ValuesForm(
        definitions=plain, modes=modes, people=offered, initial=dict(item.values), prefix="v"
    )
    remember_item_as_seen(actor, item, definitions, modes)  # the timeline's field changes
    # The head's changes (urgent, dates, assignee): none on a closed item.
    can_manage = policies.can_manage_item(actor, item)
    context: dict[str, Any] = {
        "item": item,
        "steps": available_steps(actor, item),
        "values_form": values_form,
        "values_editable": bool(values_form.editable_keys),
        "field_rows": selectors.field_rows(item, plain, modes),
        "stages": stages,
        # The queue's place and forecast, when an app draws them (the desk).
        "position": None,
        "expected_start": None,
        "own_request": item.requester_id == actor.pk,
        "at_risk": False,
        "can_manage": can_manage,
        "specialists": selectors.specialist_choices(workspace=request.workspace)
        if can_manage
        else [],
        "dates_form": forms.DatesForm(
            initial={
                "start_at": item.start_at and timezone.localtime(item.start_at),
                "due_at": item.due_at and timezone.localtime(item.due_at),
            }
        ),
        "watching": item.watching,  # type: ignore[attr-defined]  # annotated by item_get
        "events": timeline_for(actor=actor, target=item, limit=50),
        "overdue": item.due_at is not None
        and item.category != StatusCategory.CLOSED
        and item.due_at < timezone.now(),
    }
    for facts in pages.item_facts():
        context |= facts(request, actor, item)
    context["panels"] = _panels(request, item)
    return render(request, "work/item_detail.html", context)


def _panels(request: WorkspaceRequest, item: Item) -> dict[str, list[DrawnPanel]]:
    """The cards other apps put on the item page (chat, files, an order's client), by
    column, in order: see pult.work.panels."""
    return item_panels.draw(request, item)


@require_POST
@workspace_required
def item_step(request: WorkspaceRequest, item_id: int, key: str) -> HttpResponse:
    # The service finds the item through what the actor may see: no read before it.
    form = forms.StepForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_form_problems(form))
        item = services.work_item_transition(
            actor=actor_of(request),
            workspace=request.workspace,
            item_id=item_id,
            transition_key=key,
            comment=form.cleaned_data["comment"],
        )
    except DomainError as error:
        return _item_refused(request, item_id, error)
    messages.success(
        request,
        _("%(ref)s: %(status)s.") % {"ref": item.reference, "status": item.status.name},
    )
    return _back(request, item_id)


@require_POST
@workspace_required
def item_move(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    """A kanban drag: find the step to the target status and take it through the service."""
    actor = actor_of(request)
    item = _get_item(request, item_id)
    target = request.POST.get("to", "")
    comment = request.POST.get("comment", "")
    if problem := text_problem(comment):
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    step = step_to(actor, item, target)
    if step is None:
        message = _("No step leads from “%(status)s” there.") % {"status": item.status.name}
        return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
    try:
        services.work_item_transition(
            actor=actor,
            workspace=request.workspace,
            item_id=item.pk,
            transition_key=step.key,
            comment=comment,
        )
    except DomainError as error:
        return HttpResponse(error.message, status=409, content_type="text/plain; charset=utf-8")
    return HttpResponse(status=204)


@require_POST
@workspace_required
def item_fields(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = _get_item(request, item_id)
    actor = actor_of(request)
    # One card saves one stage's fields (or the fields outside any stage): what is not
    # on the posted card is not touched (an unchecked box there is simply not sent).
    stage_key = request.POST.get("stage", "")
    stage = item.item_type.stages.filter(key=stage_key).first() if stage_key else None
    definitions = [
        f for f in item.item_type.fields.all() if f.stage_id == (stage.pk if stage else None)
    ]
    modes = policies.field_modes(
        actor=actor, item_type=item.item_type, status=item.status, item=item, fields=definitions
    )
    form = forms.ValuesForm(request.POST, definitions=definitions, modes=modes, prefix="v")
    raw = {key: request.POST.get(f"v-{key}", "") for key in form.editable_keys}
    try:
        services.work_item_update(
            actor=actor, workspace=request.workspace, item_id=item.pk, values=raw
        )
    except DomainError as error:
        return _item_refused(request, item_id, error)
    messages.success(request, _("Saved."))
    return _back(request, item_id)


@require_POST
@workspace_required
def item_stage_sign(request: WorkspaceRequest, item_id: int, key: str) -> HttpResponse:
    """Sign a stage off, or (a manager, with sign=0) withdraw its sign-off."""
    item = _get_item(request, item_id)
    actor = actor_of(request)
    try:
        if request.POST.get("sign", "1") == "0":
            services.stage_unsign(
                actor=actor, workspace=request.workspace, item_id=item.pk, stage_key=key
            )
            messages.success(request, _("The sign-off was withdrawn."))
        else:
            services.stage_sign(
                actor=actor, workspace=request.workspace, item_id=item.pk, stage_key=key
            )
            messages.success(request, _("Signed off."))
    except DomainError as error:
        return _item_refused(request, item_id, error)
    return _back(request, item_id)


@require_POST
@workspace_required
def item_urgent(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = _get_item(request, item_id)
    try:
        services.work_item_set_urgent(
            actor=actor_of(request),
            workspace=request.workspace,
            item_id=item.pk,
            urgent=request.POST.get("urgent") == "1",
        )
    except DomainError as error:
        return _item_refused(request, item_id, error)
    return _back(request, item_id)


@require_POST
@workspace_required
def item_assign(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = _get_item(request, item_id)
    assignee = selectors.specialist_get(
        workspace=request.workspace, user_id=request.POST.get("assignee", "")
    )
    try:
        if not policies.can_manage_items(actor_of(request), request.workspace):
            raise Forbidden(_("Only the head assigns requests."))
        if assignee is None:
            raise DomainError(_("Choose a specialist."))
        services.work_item_assign(
            actor=actor_of(request), workspace=request.workspace, item_id=item.pk, assignee=assignee
        )
    except DomainError as error:
        return _item_refused(request, item_id, error)
    messages.success(request, _("Assigned to %(name)s.") % {"name": assignee.full_name})
    return _back(request, item_id)


@require_POST
@workspace_required
def item_dates(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = _get_item(request, item_id)
    form = forms.DatesForm(request.POST)
    try:
        if not policies.can_manage_items(actor_of(request), request.workspace):
            raise Forbidden(_("Only the head changes dates."))
        if not form.is_valid():
            raise DomainError(
                _("The dates were not changed: %(problems)s") % {"problems": _form_problems(form)}
            )
        services.work_item_set_dates(
            actor=actor_of(request),
            workspace=request.workspace,
            item_id=item.pk,
            start_at=form.cleaned_data["start_at"],
            due_at=form.cleaned_data["due_at"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        return _item_refused(request, item_id, error)
    messages.success(request, _("Dates changed."))
    return _back(request, item_id)


@require_POST
@workspace_required
def item_watch(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = _get_item(request, item_id)
    services.work_item_watch(
        actor=actor_of(request),
        workspace=request.workspace,
        item_id=item.pk,
        watch=request.POST.get("watch") == "1",
    )
    return _back(request, item_id)


@require_POST
@section_required("items")
def saved_view_save(request: WorkspaceRequest) -> HttpResponse:
    form = forms.SavedViewForm(request.POST)
    query = request.POST.get("query", "")
    if form.is_valid():
        services.saved_view_save(
            actor=actor_of(request),
            workspace=request.workspace,
            name=form.cleaned_data["name"],
            query=form.cleaned_data["query"],
        )
        messages.success(request, _("View saved."))
    else:
        messages.error(request, _("Name the view."))
    clean = QueryDict(query).urlencode()
    return redirect(reverse("work:item_list") + (f"?{clean}" if clean else ""))


@require_POST
@section_required("items")
def saved_view_delete(request: WorkspaceRequest, view_id: int) -> HttpResponse:
    try:
        services.saved_view_delete(
            actor=actor_of(request), workspace=request.workspace, view_id=view_id
        )
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("View deleted."))
    return redirect("work:item_list")
