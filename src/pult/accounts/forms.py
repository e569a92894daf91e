"""Forms of the accounts pages: parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from pult.access.models import Role
from pult.accounts.models import TIME_ZONE_CHOICES, Department, Workspace
from pult.core.forms import Form


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail or password is wrong. Both are case-sensitive for the password."
        ),
        "inactive": _("This account is disabled."),
    }


class ProfileForm(Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    locale = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("As in the browser"))] + [(c, n) for c, n in settings.LANGUAGES],
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    avatar = forms.FileField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, up to 2 MB.")
    )
    remove_avatar = forms.BooleanField(label=_("Remove the photo"), required=False)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        allowed = set("0123456789+-() ")
        if phone and (not set(phone) <= allowed or sum(c.isdigit() for c in phone) < 5):
            raise forms.ValidationError(_("Enter a phone number, e.g. +7 912 345-67-89."))
        return phone


class _DepartmentAndRolesForm(Form):
    """Department and roles offered from the current workspace only."""

    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Role.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["roles"].queryset = Role.objects.filter(workspace=workspace)  # type: ignore[attr-defined]


class MemberAddForm(_DepartmentAndRolesForm):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to let the person set it through “Forgot password”."),
    )
    field_order = ["full_name", "email", "phone", "position", "department", "roles", "password"]


class MemberEditForm(_DepartmentAndRolesForm):
    is_active = forms.BooleanField(label=_("Has access to this workspace"), required=False)


class DepartmentForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class WorkspaceForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=60,
        required=False,
        help_text=_("Latin letters, digits and hyphens; made from the name if empty."),
    )


class ResetForm(PasswordResetForm):
    """Password reset through the durable outbox rather than a direct SMTP call."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from django.template import loader
        from django.utils.crypto import get_random_string

        from pult.notifications.services import email_enqueue

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_enqueue(
            to=to_email,
            subject=subject,
            body_text=body,
            dedupe_key=f"password-reset:{context['uid']}:{get_random_string(16)}",
        )
