"""The visibility-grant settings page: list, add, remove. Thin over `grants`.

Like the pipeline editor, it answers 404 to anyone without `work.configure`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pult.access.models import Role
from pult.accounts.models import Department, User
from pult.core.exceptions import DomainError, NotFound
from pult.core.forms import Form
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.views import apply_domain_error, workspace_required
from pult.orders import grants
from pult.work import policies


class VisibilityGrantForm(Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), required=False, label=gettext_lazy("Department")
    )
    role = forms.ModelChoiceField(
        queryset=Role.objects.none(), required=False, label=gettext_lazy("Role")
    )
    managers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label=gettext_lazy("Managers"),
        help_text=gettext_lazy("Their orders become visible to the department or role."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, workspace: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["department"].queryset = Department.objects.filter(workspace=workspace)
        fields["role"].queryset = Role.objects.filter(workspace=workspace)
        fields["managers"].queryset = grants.grantable_managers(workspace)
        fields["managers"].label_from_instance = lambda user: user.full_name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("department")) == bool(data.get("role")):
            raise forms.ValidationError(_("Choose either a department or a role."))
        return data


def _configurer(request: WorkspaceRequest) -> User:
    actor = actor_of(request)
    if not policies.can_configure_pipeline(actor, request.workspace):
        raise Http404
    return actor


@workspace_required
def visibility_grants(request: WorkspaceRequest) -> HttpResponse:
    """The grants of the workspace and the form adding one."""
    actor = _configurer(request)
    form = VisibilityGrantForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grants.visibility_grant_create(
                actor=actor,
                workspace=request.workspace,
                department_id=data["department"].pk if data["department"] else None,
                role_id=data["role"].pk if data["role"] else None,
                manager_ids=[u.pk for u in data["managers"]],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Visibility granted."))
            return redirect("orders:visibility_grants")
    context = {
        "grants": grants.visibility_grant_list(actor=actor, workspace=request.workspace),
        "form": form,
    }
    return render(
        request, "orders/visibility_grants.html", context, status=400 if form.errors else 200
    )


@require_POST
@workspace_required
def visibility_grant_delete(request: WorkspaceRequest, grant_id: int) -> HttpResponse:
    actor = _configurer(request)
    try:
        grants.visibility_grant_delete(actor=actor, workspace=request.workspace, grant_id=grant_id)
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("Visibility grant removed."))
    return redirect("orders:visibility_grants")
