"""Thin views of brands, outlets and specialists: selector → form → service → response.

Only staff who see all work reach these pages; for everyone else they do not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pult.accounts.models import User
from pult.accounts.policies import can_view_directory
from pult.accounts.vocabulary import words_for
from pult.activity.selectors import timeline_for
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.pagination import parse_cursor, parse_positive_int
from pult.core.views import apply_domain_error, section_required
from pult.parties import forms, policies, selectors, services
from pult.parties.models import Outlet
from pult.parties.panels import outlet_panels, specialist_panels


def _viewer(request: WorkspaceRequest) -> User:
    """The actor, if they may see the parties pages at all; 404 for everyone else."""
    actor = actor_of(request)
    if not policies.can_view_parties(actor, request.workspace):
        raise Http404
    return actor


def _manager(request: WorkspaceRequest) -> User:
    """The actor, if they may change parties: 404 for outsiders, 403 for read-only staff."""
    actor = _viewer(request)
    if not policies.can_manage_parties(actor, request.workspace):
        raise PermissionDenied
    return actor


# --- Outlets --------------------------------------------------------------------------


@section_required("places")
def outlet_list(request: WorkspaceRequest) -> HttpResponse:
    actor, workspace = _viewer(request), request.workspace
    query = request.GET.get("q", "").strip()[:100]
    brand_id = parse_positive_int(request.GET.get("brand"))
    city = request.GET.get("city", "").strip()[:120]
    page = selectors.outlet_page(
        actor=actor,
        workspace=workspace,
        query=query,
        brand_id=brand_id,
        city=city,
        cursor=parse_cursor(request.GET.get("after")),
    )
    return render(
        request,
        "parties/outlet_list.html",
        {
            "page": page,
            "query": query,
            "brand_id": brand_id,
            "city": city,
            "filtered": bool(query or brand_id or city),
            "brands": selectors.brand_list(actor=actor, workspace=workspace),
            "cities": selectors.city_list(actor=actor, workspace=workspace),
            "can_manage": policies.can_manage_parties(actor, workspace),
        },
    )


def _outlet_input(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "brand_id": data["brand"].pk,
        "city": data["city"],
        "number": data["number"],
        "name": data["name"],
        "address": data["address"],
        "franchisee": data["franchisee"],
    }


@section_required("places")
def outlet_new(request: WorkspaceRequest) -> HttpResponse:
    actor, workspace = _manager(request), request.workspace
    initial = {"brand": parse_positive_int(request.GET.get("brand"))}
    form = forms.OutletForm(request.POST or None, initial=initial, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            outlet = services.outlet_create(
                actor=actor, workspace=workspace, **_outlet_input(form.cleaned_data)
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(place)s %(outlet)s added.")
                % {"place": words_for(workspace).place, "outlet": outlet},
            )
            return redirect("parties:outlet_detail", outlet_id=outlet.pk)
    return render(
        request,
        "parties/outlet_new.html",
        {"form": form, "has_brands": form.fields["brand"].queryset.exists()},  # type: ignore[attr-defined]
        status=400 if form.errors else 200,
    )


def _get_outlet(request: WorkspaceRequest, actor: User, outlet_id: int) -> Outlet:
    try:
        return selectors.outlet_get(actor=actor, workspace=request.workspace, outlet_id=outlet_id)
    except NotFound as error:
        raise Http404 from error


def _outlet_page(
    request: WorkspaceRequest,
    actor: User,
    outlet: Outlet,
    *,
    edit_form: forms.OutletForm | None = None,
    bind_form: forms.BindForm | None = None,
) -> HttpResponse:
    workspace = request.workspace
    can_manage = policies.can_manage_parties(actor, workspace)
    if edit_form is None and can_manage:
        edit_form = forms.OutletForm(
            initial={
                "brand": outlet.brand,
                "city": outlet.city,
                "number": outlet.number,
                "name": outlet.name,
                "address": outlet.address,
                "franchisee": outlet.franchisee,
            },
            workspace=workspace,
        )
    failed = bool((edit_form and edit_form.errors) or (bind_form and bind_form.errors))
    return render(
        request,
        "parties/outlet_detail.html",
        {
            "outlet": outlet,
            "members": list(outlet.members.all()),
            "can_manage": can_manage,
            "can_view_people": can_view_directory(actor, workspace),
            "edit_form": edit_form,
            "edit_open": bool(edit_form and edit_form.errors),
            "bind_form": bind_form or (forms.BindForm() if can_manage else None),
            "panels": outlet_panels.draw(request, outlet),  # its items, from work
            "timeline": timeline_for(actor=actor, target=outlet, limit=20) if can_manage else [],
        },
        status=400 if failed else 200,
    )


@section_required("places")
def outlet_detail(request: WorkspaceRequest, outlet_id: int) -> HttpResponse:
    """The outlet's card; a POST here is its edit form."""
    actor = _viewer(request)
    outlet = _get_outlet(request, actor, outlet_id)
    if request.method != "POST":
        return _outlet_page(request, actor, outlet)
    actor = _manager(request)
    form = forms.OutletForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        try:
            services.outlet_update(
                actor=actor,
                workspace=request.workspace,
                outlet_id=outlet.pk,
                **_outlet_input(form.cleaned_data),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("parties:outlet_detail", outlet_id=outlet.pk)
    return _outlet_page(request, actor, outlet, edit_form=form)


@require_POST
@section_required("places")
def outlet_member_add(request: WorkspaceRequest, outlet_id: int) -> HttpResponse:
    actor = _manager(request)
    outlet = _get_outlet(request, actor, outlet_id)
    form = forms.BindForm(request.POST)
    if form.is_valid():
        try:
            person = services.outlet_member_add(
                actor=actor,
                workspace=request.workspace,
                outlet_id=outlet.pk,
                email=form.cleaned_data["email"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s is bound here now.") % {"name": person.full_name})
            return redirect("parties:outlet_detail", outlet_id=outlet.pk)
    return _outlet_page(request, actor, outlet, bind_form=form)


@require_POST
@section_required("places")
def outlet_member_remove(request: WorkspaceRequest, outlet_id: int, user_id: int) -> HttpResponse:
    actor = _manager(request)
    outlet = _get_outlet(request, actor, outlet_id)
    try:
        services.outlet_member_remove(
            actor=actor, workspace=request.workspace, outlet_id=outlet.pk, user_id=user_id
        )
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("The person is no longer bound here."))
    return redirect("parties:outlet_detail", outlet_id=outlet.pk)


# --- Brands ---------------------------------------------------------------------------


def _brand_page(
    request: WorkspaceRequest,
    actor: User,
    *,
    form: forms.BrandForm | None = None,
    renaming: dict[str, Any] | None = None,
) -> HttpResponse:
    can_manage = policies.can_manage_parties(actor, request.workspace)
    failed = bool((form and form.errors) or renaming)
    return render(
        request,
        "parties/brand_list.html",
        {
            "brands": selectors.brand_list(actor=actor, workspace=request.workspace),
            "form": form or (forms.BrandForm() if can_manage else None),
            "renaming": renaming or {},
            "can_manage": can_manage,
        },
        status=400 if failed else 200,
    )


@section_required("places")
def brand_list(request: WorkspaceRequest) -> HttpResponse:
    """The brands; a POST here creates one."""
    actor = _viewer(request)
    if request.method != "POST":
        return _brand_page(request, actor)
    actor = _manager(request)
    form = forms.BrandForm(request.POST)
    if form.is_valid():
        try:
            brand = services.brand_create(
                actor=actor, workspace=request.workspace, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Brand %(name)s created.") % {"name": brand.name})
            return redirect("parties:brand_list")
    return _brand_page(request, actor, form=form)


@require_POST
@section_required("places")
def brand_rename(request: WorkspaceRequest, brand_id: int) -> HttpResponse:
    actor = _manager(request)
    form = forms.BrandForm(request.POST)
    if form.is_valid():
        try:
            services.brand_rename(
                actor=actor,
                workspace=request.workspace,
                brand_id=brand_id,
                name=form.cleaned_data["name"],
            )
        except NotFound as error:
            raise Http404 from error
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Brand renamed."))
            return redirect("parties:brand_list")
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    return _brand_page(
        request,
        actor,
        renaming={"id": brand_id, "name": request.POST.get("name", ""), "errors": errors},
    )


# --- Specialists ----------------------------------------------------------------------


@section_required("specialists")
def specialist_list(request: WorkspaceRequest) -> HttpResponse:
    actor = _viewer(request)
    return render(
        request,
        "parties/specialist_list.html",
        {
            "specialists": selectors.specialist_list(actor=actor, workspace=request.workspace),
            "can_manage": policies.can_manage_parties(actor, request.workspace),
        },
    )


@section_required("specialists")
def specialist_detail(request: WorkspaceRequest, user_id: int) -> HttpResponse:
    """A specialist's skills, capacity, absence and load; a POST here saves the profile."""
    actor, workspace = _viewer(request), request.workspace
    try:
        specialist = selectors.specialist_get(actor=actor, workspace=workspace, user_id=user_id)
    except NotFound as error:
        raise Http404 from error
    can_manage = policies.can_manage_parties(actor, workspace)
    initial = {
        "skills": ", ".join(specialist.skills),
        "capacity": specialist.capacity,
        "absent_from": specialist.absent_from,
        "absent_until": specialist.absent_until,
    }
    form = forms.SpecialistForm(request.POST or None, initial=initial) if can_manage else None
    if request.method == "POST":
        actor = _manager(request)
        assert form is not None
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.specialist_profile_save(
                    actor=actor,
                    workspace=workspace,
                    user_id=user_id,
                    skills=data["skills"],
                    capacity=data["capacity"],
                    absent_from=data["absent_from"],
                    absent_until=data["absent_until"],
                )
            except NotFound as error:
                raise Http404 from error
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("The profile of %(name)s is saved.") % {"name": specialist.user.full_name},
                )
                return redirect("parties:specialist_list")
    return render(
        request,
        "parties/specialist_detail.html",
        {
            "specialist": specialist,
            "person": specialist.user,
            "form": form,
            "can_manage": can_manage,
            "suggestions": selectors.skill_suggestions(workspace=workspace) if can_manage else [],
            "panels": specialist_panels.draw(request, specialist),
        },
        status=400 if form is not None and form.errors else 200,
    )
