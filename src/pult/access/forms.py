from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import permission_groups
from pult.core.forms import Form


class RoleForm(Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    codes = forms.MultipleChoiceField(
        label=_("Permissions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["codes"].choices = [  # type: ignore[attr-defined]
            (p.code, p.label) for group in permission_groups() for p in group.permissions
        ]
