"""Forms of the newsletter pages: parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pult.accounts.models import Workspace
from pult.core.forms import Form
from pult.newsletters.models import Segment
from pult.newsletters.services import PLACEHOLDERS, RATE_MAX
from pult.parties.client_selectors import manager_choices
from pult.parties.models import ClientStatus


class SegmentForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    status = forms.ChoiceField(label=_("Client status"), required=False)
    industry = forms.CharField(label=_("Industry"), max_length=200, required=False)
    source = forms.CharField(label=_("Where they heard of us"), max_length=200, required=False)
    manager_id = forms.TypedChoiceField(
        label=_("Manager"), required=False, coerce=int, empty_value=None
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=500,
        required=False,
        help_text=_("Separated by commas; a client with any of them is in the segment."),
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any")), *ClientStatus.choices]  # type: ignore[attr-defined]
        self.fields["manager_id"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *manager_choices(workspace=workspace),
        ]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data.get(k) for k in ("status", "industry", "source", "manager_id", "tags")}


class NewsletterForm(Form):
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=Segment.objects.none())
    subject = forms.CharField(label=_("Subject"), max_length=250)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Placeholders: %(names)s.")
        % {"names": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)},
    )
    rate_per_minute = forms.IntegerField(
        label=_("E-mails per minute"), min_value=1, max_value=RATE_MAX, initial=60
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace
        ).order_by("name")
