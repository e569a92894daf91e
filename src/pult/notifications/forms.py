from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pult.access.models import Role
from pult.accounts.models import Department, User, Workspace
from pult.activity.registry import all_verbs


class RuleForm(forms.Form):
    verb = forms.ChoiceField(label=_("When"), choices=())
    roles = forms.ModelMultipleChoiceField(
        label=_("Notify roles"),
        queryset=Role.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Notify departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    users = forms.ModelMultipleChoiceField(
        label=_("Notify people"), queryset=User.objects.none(), required=False
    )
    participants = forms.BooleanField(
        label=_("Notify the people concerned"),
        required=False,
        help_text=_("E.g. the person whose roles were changed."),
    )

    def __init__(self, *args: object, workspace: Workspace, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["verb"].choices = [("", "—")] + [(v.key, v.label) for v in all_verbs()]  # type: ignore[attr-defined]
        self.fields["roles"].queryset = Role.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["departments"].queryset = Department.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["users"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__workspace=workspace, memberships__is_active=True
        ).order_by("full_name")
