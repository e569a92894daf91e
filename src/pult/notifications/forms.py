from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pult.access.models import Role
from pult.accounts.models import Department, User, Workspace
from pult.activity.registry import all_verbs
from pult.core.forms import Form
from pult.notifications.models import NotificationRule


class RuleForm(Form):
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
    item_manager = forms.BooleanField(label=_("Notify the item's manager"), required=False)
    field_users = forms.CharField(
        label=_("Notify the people named in fields"),
        required=False,
        help_text=_("Keys of person fields, comma-separated, e.g. expert."),
    )
    fields_any = forms.CharField(
        label=_("Only when one of these fields changes"),
        required=False,
        help_text=_("Field keys, comma-separated, e.g. payment_amount, payment_date."),
    )
    stage = forms.CharField(
        label=_("Only when this stage is signed off"),
        required=False,
        help_text=_("A stage key, e.g. finance."),
    )
    to_status = forms.CharField(
        label=_("Only on a move into this status"),
        required=False,
        help_text=_("A status key, e.g. confirmed."),
    )
    message_en = forms.CharField(
        label=_("Own message (English)"),
        required=False,
        max_length=300,
        help_text=_(
            "Instead of the event's sentence, e.g. “Payment received: {payment_amount} "
            "for {target}”. Placeholders: {actor}, {target} and the key of a changed field."
        ),
    )
    message_ru = forms.CharField(label=_("Own message (Russian)"), required=False, max_length=300)
    days_before = forms.IntegerField(
        label=_("Days ahead (validity expiring)"),
        required=False,
        min_value=0,
        help_text=_("How many days before the date to warn; 30 if empty."),
    )

    def __init__(self, *args: object, workspace: Workspace, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["verb"].choices = [("", "—")] + [(v.key, v.label) for v in all_verbs()]  # type: ignore[attr-defined]
        self.fields["roles"].queryset = Role.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["departments"].queryset = Department.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["users"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__workspace=workspace, memberships__is_active=True
        ).order_by("full_name")

    @staticmethod
    def keys(text: str) -> list[str]:
        """Comma-separated keys as a list, blanks dropped."""
        return [key.strip() for key in text.split(",") if key.strip()]

    @staticmethod
    def initial_for(rule: NotificationRule) -> dict[str, object]:
        condition = rule.condition or {}
        return {
            "verb": rule.verb,
            "roles": list(rule.roles.all()),
            "departments": list(rule.departments.all()),
            "users": list(rule.users.all()),
            "participants": rule.participants,
            "item_manager": rule.item_manager,
            "field_users": ", ".join(rule.field_users or []),
            "fields_any": ", ".join(condition.get("fields_any") or []),
            "stage": condition.get("stage", ""),
            "to_status": condition.get("to_status", ""),
            "days_before": condition.get("days_before"),
            "message_en": (rule.message or {}).get("en", ""),
            "message_ru": (rule.message or {}).get("ru", ""),
        }

    def message(self) -> dict[str, str]:
        """The rule's own wording in both languages; {} when none is given."""
        en, ru = self.cleaned_data["message_en"].strip(), self.cleaned_data["message_ru"].strip()
        return {"en": en or ru, "ru": ru or en} if en or ru else {}

    def condition(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "fields_any": self.keys(data["fields_any"]),
            "stage": data["stage"],
            "to_status": data["to_status"],
            "days_before": data["days_before"],
        }
