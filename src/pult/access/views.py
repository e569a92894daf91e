"""Role editor: the role × permission matrix, create, rename, delete."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pult.access import selectors, services
from pult.access.catalogue import permission_groups
from pult.access.forms import RoleForm
from pult.access.permissions import MANAGE_ROLES
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest
from pult.core.views import apply_domain_error, permission_required


@permission_required(MANAGE_ROLES)
def role_matrix(request: WorkspaceRequest) -> HttpResponse:
    actor, workspace = request.user, request.workspace
    roles = selectors.role_list(actor=actor, workspace=workspace)
    if request.method == "POST":
        # Each role column is saved through the same service as the role form.
        errors = []
        for role in roles:
            codes = request.POST.getlist(f"role-{role.pk}")
            try:
                services.role_update(
                    actor=actor,
                    workspace=workspace,
                    role_id=role.pk,
                    name=role.name,
                    description=role.description,
                    codes=codes,
                )
            except DomainError as error:
                errors.append(f"{role.name}: {error.message}")
        if errors:
            for message in errors:
                messages.error(request, message)
        else:
            messages.success(request, _("Permissions saved."))
        return redirect("access:roles")
    held = {role.pk: {g.code for g in role.grants.all()} for role in roles}
    rows = [
        (
            group,
            [
                (perm, [(role, perm.code in held[role.pk]) for role in roles])
                for perm in group.permissions
            ],
        )
        for group in permission_groups()
    ]
    return render(request, "access/role_matrix.html", {"roles": roles, "rows": rows})


@permission_required(MANAGE_ROLES)
def role_create(request: WorkspaceRequest) -> HttpResponse:
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_create(
                actor=request.user,
                workspace=request.workspace,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                codes=form.cleaned_data["codes"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Role %(name)s created.") % {"name": role.name})
            return redirect("access:roles")
    return render(
        request,
        "access/role_form.html",
        {"form": form, "groups": permission_groups(), "role": None},
        status=400 if form.errors else 200,
    )


@permission_required(MANAGE_ROLES)
def role_edit(request: WorkspaceRequest, role_id: int) -> HttpResponse:
    actor, workspace = request.user, request.workspace
    try:
        role = selectors.role_get(actor=actor, workspace=workspace, role_id=role_id)
    except NotFound as error:
        raise Http404 from error
    initial = {
        "name": role.name,
        "description": role.description,
        "codes": [g.code for g in role.grants.all()],
    }
    form = RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_update(
                actor=actor,
                workspace=workspace,
                role_id=role.pk,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                codes=form.cleaned_data["codes"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Role saved."))
            return redirect("access:roles")
    return render(
        request,
        "access/role_form.html",
        {"form": form, "groups": permission_groups(), "role": role},
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required(MANAGE_ROLES)
def role_delete(request: WorkspaceRequest, role_id: int) -> HttpResponse:
    try:
        services.role_delete(actor=request.user, workspace=request.workspace, role_id=role_id)
    except NotFound as error:
        raise Http404 from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("access:role_edit", role_id=role_id)
    messages.success(request, _("Role deleted."))
    return redirect("access:roles")
