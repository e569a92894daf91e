"""Forms of work items, built from the pipeline's field definitions and the field policy.

Forms only shape input; the services validate it again (the API and imports have no
forms), so a refusal reads the same on every path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pult.core.forms import Form
from pult.work.models import FieldDef, FieldKind, FieldMode
from pult.work.values import choice_label


def field_for(
    definition: FieldDef, mode: str, people: list[tuple[int, str]] | None = None
) -> forms.Field:
    """A form field for one custom field in the given mode (hidden fields get none)."""
    common: dict[str, Any] = {
        "label": definition.name,
        "help_text": definition.help,
        "required": mode == FieldMode.REQUIRED,
        "disabled": mode == FieldMode.READ,
    }
    kind = definition.kind
    if kind == FieldKind.CHOICE:
        choices = [("", "—")] + [
            (c["value"], choice_label(definition, c["value"])) for c in definition.choices or []
        ]
        return forms.ChoiceField(choices=choices, **common)
    if kind == FieldKind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10000, **common)
    if kind in (FieldKind.NUMBER, FieldKind.MONEY):
        return forms.DecimalField(decimal_places=2 if kind == FieldKind.MONEY else None, **common)
    if kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == FieldKind.BOOLEAN:
        common["required"] = False
        return forms.BooleanField(**common)
    if kind == FieldKind.USER and people is not None:
        return forms.TypedChoiceField(
            choices=[("", "—"), *people], coerce=int, empty_value=None, **common
        )
    return forms.CharField(max_length=300, **common)


class ValuesForm(Form):
    """The custom fields of an item as the policy shows them to this person now."""

    def __init__(
        self,
        *args: Any,
        definitions: list[FieldDef],
        modes: dict[str, str],
        people: Mapping[str, list[tuple[int, str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`people`: each person field's choices (`selectors.person_choices`)."""
        super().__init__(*args, **kwargs)
        self.editable_keys: list[str] = []
        for definition in definitions:
            mode = modes.get(definition.key, FieldMode.READ)
            if mode == FieldMode.HIDDEN:
                continue
            offered = people.get(definition.key, []) if people is not None else None
            self.fields[definition.key] = field_for(definition, mode, offered)
            if mode in (FieldMode.EDIT, FieldMode.REQUIRED):
                self.editable_keys.append(definition.key)

    def raw_values(self) -> dict[str, Any]:
        """What the person typed for the fields they may edit, as the service parses it."""
        return {key: self.data.get(key, "") for key in self.editable_keys}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class NewItemForm(ValuesForm):
    title = forms.CharField(label=_("Short title"), max_length=300)
    outlet = forms.TypedChoiceField(label=_("Outlet"), coerce=int, empty_value=None)
    # Read with request.FILES.getlist("references"); each is checked by the documents app.
    references = MultipleFileField(
        label=_("Reference files"),
        required=False,
        widget=MultipleFileInput(attrs={"multiple": True}),
        # Lazy: a form class is made once, in whatever language the first request used.
        help_text=format_lazy(_("Logos, photos, samples: up to {n} files."), n=5),
    )

    field_order = ["title", "outlet"]

    def __init__(self, *args: Any, outlets: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outlet_field = self.fields["outlet"]
        assert isinstance(outlet_field, forms.TypedChoiceField)
        outlet_field.choices = [("", "—"), *outlets] if len(outlets) != 1 else outlets
        outlet_field.required = bool(outlets)
        if not outlets:
            del self.fields["outlet"]
        self.order_fields(["title", "outlet"])
        self.order_fields([k for k in self.fields if k != "references"] + ["references"])


class StepForm(Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DatesForm(Form):
    start_at = forms.DateTimeField(
        label=_("Start by"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    due_at = forms.DateTimeField(
        label=_("Due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class SavedViewForm(Form):
    name = forms.CharField(label=_("Name of the view"), max_length=80)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


def _choice(label: Any, choices: list[tuple[int, str]]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *choices],
        coerce=int,
        empty_value=None,
        required=False,
    )


class OrderForm(ValuesForm):
    """An order for a client: title, the client's contract, the responsible manager and
    whatever custom fields the type requires when filed. The service checks them again."""

    title = forms.CharField(label=_("Short title"), max_length=300)

    def __init__(
        self,
        *args: Any,
        contracts: list[tuple[int, str]],
        managers: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"] = _choice(_("Contract"), contracts)
        self.fields["manager"] = _choice(_("Manager"), managers)
        self.order_fields(["title", "contract", "manager"])


class OrderPartiesForm(Form):
    """The client, contract and manager of an existing order."""

    client = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        *args: Any,
        contracts: list[tuple[int, str]],
        managers: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"] = _choice(_("Contract"), contracts)
        self.fields["manager"] = _choice(_("Manager"), managers)
