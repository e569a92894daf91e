"""Forms of the parties pages: parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pult.accounts.models import Workspace
from pult.core.forms import Form
from pult.parties.models import Brand
from pult.parties.services import CAPACITY_MAX, CAPACITY_MIN


class BrandForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class OutletForm(Form):
    brand = forms.ModelChoiceField(label=_("Brand"), queryset=Brand.objects.none())
    city = forms.CharField(label=_("City"), max_length=120)
    number = forms.CharField(
        label=_("Outlet number"),
        max_length=30,
        help_text=_("The number of the outlet in the brand's network, e.g. 12."),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    franchisee = forms.CharField(
        label=_("Franchisee"),
        max_length=200,
        required=False,
        help_text=_("The company or person running the outlet."),
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = Brand.objects.filter(workspace=workspace).order_by("name")  # type: ignore[attr-defined]


class BindForm(Form):
    email = forms.EmailField(
        label=_("Applicant's e-mail"),
        help_text=_("The person must already be a member of the workspace."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class SpecialistForm(Form):
    skills = forms.CharField(
        label=_("Skills"),
        max_length=500,
        required=False,
        help_text=_(
            "Kinds of work, separated by commas, e.g. poster, menu. Empty: takes any work."
        ),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=CAPACITY_MIN,
        max_value=CAPACITY_MAX,
        help_text=_("How many requests at once, at most."),
    )
    absent_from = forms.DateField(
        label=_("Absent from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    absent_until = forms.DateField(
        label=_("Absent until"),
        required=False,
        help_text=_("Leave empty for an absence with no known end."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


# --- Client base (P2) -----------------------------------------------------------------

_DATE = {"type": "date"}


class ClientForm(Form):
    name = forms.CharField(label=_("Company name"), max_length=300)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("Where they heard of us."),
    )
    industry = forms.CharField(label=_("Industry"), max_length=200, required=False)
    activity = forms.CharField(
        label=_("What the company does"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    manager = forms.TypedChoiceField(
        label=_("Manager"), coerce=int, required=False, empty_value=None
    )
    next_contact_at = forms.DateTimeField(
        label=_("Next contact"),
        required=False,
        help_text=_("When to call the client."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    def __init__(self, *args: Any, managers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", _("Nobody"))] + [  # type: ignore[attr-defined]
            (str(pk), name) for pk, name in managers
        ]


class ContactForm(Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    phones = forms.CharField(
        label=_("Phones"), max_length=300, required=False, help_text=_("Separated by commas.")
    )
    emails = forms.CharField(
        label=_("E-mails"), max_length=300, required=False, help_text=_("Separated by commas.")
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ContractForm(Form):
    number = forms.CharField(label=_("Contract number"), max_length=100)
    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    amount = forms.DecimalField(
        label=_("Contract sum"), required=False, max_digits=14, decimal_places=2
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
