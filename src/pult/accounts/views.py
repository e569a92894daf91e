"""Thin views: selector → form → service → response."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pult.access.selectors import role_choices
from pult.accounts import forms, policies, selectors, services
from pult.activity.selectors import timeline_for
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.pagination import parse_cursor
from pult.core.params import id_or_none
from pult.core.views import apply_domain_error, workspace_required


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if not user.locale:
            # Someone who never chose a language keeps the one they logged in with, so
            # their e-mails and the reminders Pult writes for them speak it too.
            services.language_set(actor=user, locale=(translation.get_language() or "en")[:2])
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.ResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@login_required
def profile(request: WorkspaceRequest) -> HttpResponse:
    user = actor_of(request)
    initial = {f: getattr(user, f) for f in services.PROFILE_FIELDS}
    form = forms.ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_update(
                actor=user,
                changes={f: data[f] for f in services.PROFILE_FIELDS},
                avatar=data.get("avatar"),
                remove_avatar=data.get("remove_avatar", False),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    return render(
        request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher: saved on the profile, and in a cookie before login."""
    from django.conf import settings

    locale = request.POST.get("language", "")
    if locale not in dict(settings.LANGUAGES):
        messages.error(request, _("Unknown language."))
        locale = ""
    elif request.user.is_authenticated:
        services.language_set(actor=actor_of(request), locale=locale)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if locale:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            locale,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite="Lax",
        )
    return response


@require_POST
@login_required
def workspace_switch(request: WorkspaceRequest) -> HttpResponse:
    workspace_id = id_or_none(request.POST.get("workspace"))
    if workspace_id is None:
        raise Http404
    try:
        workspace = services.workspace_switch(actor=actor_of(request), workspace_id=workspace_id)
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("Switched to %(name)s.") % {"name": workspace.display_name})
    return redirect("ui:home")


# --- People ---------------------------------------------------------------------


@workspace_required
def people(request: WorkspaceRequest) -> HttpResponse:
    actor, workspace = actor_of(request), request.workspace
    if not policies.can_view_directory(actor, workspace):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    page = selectors.member_page(
        actor=actor, workspace=workspace, query=query, cursor=parse_cursor(request.GET.get("after"))
    )
    return render(
        request,
        "accounts/people.html",
        {
            "page": page,
            "query": query,
            "can_manage": policies.can_manage_members(actor, workspace),
        },
    )


@workspace_required
def person(request: WorkspaceRequest, user_id: int) -> HttpResponse:
    actor, workspace = actor_of(request), request.workspace
    try:
        membership = selectors.member_get(actor=actor, workspace=workspace, user_id=user_id)
    except NotFound as error:
        raise Http404 from error
    can_manage = policies.can_manage_members(actor, workspace)
    return render(
        request,
        "accounts/person.html",
        {
            "membership": membership,
            "person": membership.user,
            "can_manage": can_manage,
            "timeline": timeline_for(actor=actor, target=membership, limit=20)
            if can_manage
            else [],
        },
    )


@workspace_required
def person_add(request: WorkspaceRequest) -> HttpResponse:
    actor, workspace = actor_of(request), request.workspace
    if not policies.can_manage_members(actor, workspace):
        raise PermissionDenied
    form = forms.MemberAddForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.member_add(
                actor=actor,
                workspace=workspace,
                email=data["email"],
                full_name=data["full_name"],
                password=data["password"],
                phone=data["phone"],
                position=data["position"],
                department=data["department"],
                roles=list(data["roles"]),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": membership.user})
            return redirect("accounts:person", user_id=membership.user_id)
    return render(
        request, "accounts/person_add.html", {"form": form}, status=400 if form.errors else 200
    )


@workspace_required
def person_edit(request: WorkspaceRequest, user_id: int) -> HttpResponse:
    actor, workspace = actor_of(request), request.workspace
    if not policies.can_manage_members(actor, workspace):
        raise PermissionDenied
    try:
        membership = selectors.member_get(actor=actor, workspace=workspace, user_id=user_id)
    except NotFound as error:
        raise Http404 from error
    initial = {
        "department": membership.department,
        "roles": list(membership.roles.all()),
        "is_active": membership.is_active,
    }
    form = forms.MemberEditForm(request.POST or None, initial=initial, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_update(
                actor=actor,
                workspace=workspace,
                user_id=user_id,
                roles=list(data["roles"]),
                department=data["department"],
                is_active=data["is_active"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:person", user_id=user_id)
    return render(
        request,
        "accounts/person_edit.html",
        {
            "form": form,
            "membership": membership,
            "person": membership.user,
            "roles": role_choices(workspace=workspace),
        },
        status=400 if form.errors else 200,
    )


@workspace_required
def departments(request: WorkspaceRequest) -> HttpResponse:
    actor, workspace = actor_of(request), request.workspace
    if not policies.can_manage_members(actor, workspace):
        raise PermissionDenied
    form = forms.DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_create(
                actor=actor, workspace=workspace, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Department created."))
            return redirect("accounts:departments")
    return render(
        request,
        "accounts/departments.html",
        {"form": form, "departments": selectors.department_list(workspace=workspace)},
        status=400 if form.errors else 200,
    )


@workspace_required
def avatar(request: WorkspaceRequest, user_id: int) -> FileResponse:
    """A member's photo, only to those who may see the member (404 for anyone else)."""
    actor, workspace = actor_of(request), request.workspace
    try:
        membership = selectors.member_get(actor=actor, workspace=workspace, user_id=user_id)
    except NotFound as error:
        raise Http404 from error
    photo = membership.user.avatar
    if not photo:
        raise Http404
    response = FileResponse(photo.open("rb"), content_type=_image_type(photo.name or ""))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _image_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(ext, "image/png")


# --- The workspace's words and sections (its administrator) ------------------------


@workspace_required
def workspace_settings(request: WorkspaceRequest) -> HttpResponse:
    """What the workspace calls things, in both languages, and which sections it runs."""
    actor, workspace = actor_of(request), request.workspace
    if not policies.can_configure_workspace(actor, workspace):
        raise PermissionDenied
    form = forms.WorkspaceWordsForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            services.workspace_words_set(
                actor=actor,
                workspace=workspace,
                words=form.words(),
                sections=form.cleaned_data["sections"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:workspace_settings")
    return render(
        request,
        "accounts/workspace_settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# --- Workspaces (installation admin) -----------------------------------------------


@login_required
def workspaces(request: WorkspaceRequest) -> HttpResponse:
    actor = actor_of(request)
    if not policies.can_create_workspace(actor):
        raise PermissionDenied
    form = forms.WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = services.workspace_create(
                actor=actor, name=form.cleaned_data["name"], slug=form.cleaned_data["slug"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Workspace %(name)s created.") % {"name": workspace.name})
            return redirect("accounts:workspaces")
    return render(
        request,
        "accounts/workspaces.html",
        {"form": form, "workspaces": selectors.workspace_list(actor=actor)[:500]},
        status=400 if form.errors else 200,
    )
