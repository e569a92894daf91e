"""Forms of the documents pages: parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pult.core.forms import Form
from pult.documents.files import ALLOWED_HINT, OFFICE_HINT
from pult.documents.models import AttachmentKind, MaterialCategory
from pult.parties.models import Brand


class AttachmentForm(Form):
    file = forms.FileField(label=_("File"))
    kind = forms.ChoiceField(label=_("This is"), choices=AttachmentKind.choices)


class ArticleForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Separate paragraphs with an empty line. Lines starting with “- ” make a list, "
            "“1. ” a numbered list, “# ” a heading. HTML is shown as typed."
        ),
    )


class MaterialCategoryForm(Form):
    name = forms.CharField(label=_("New category"), max_length=120)


class MaterialForm(Form):
    file = forms.FileField(label=_("File"), help_text=ALLOWED_HINT)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Taken from the file name when empty."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=MaterialCategory.objects.none(), empty_label=None
    )
    brand = forms.ModelChoiceField(
        label=_("Brand"), queryset=Brand.objects.none(), required=False, empty_label=_("Any")
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=500,
        required=False,
        help_text=_("Separated by commas, e.g. logo, summer, menu."),
    )

    def __init__(self, *args: Any, workspace: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = MaterialCategory.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace
        ).order_by("name")
        self.fields["brand"].queryset = Brand.objects.filter(workspace=workspace).order_by("name")  # type: ignore[attr-defined]


class DocumentForm(Form):
    """A new document of a contract or an order: its first version."""

    file = forms.FileField(label=_("File"), help_text=OFFICE_HINT)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Taken from the file name when empty."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class DocumentVersionForm(Form):
    file = forms.FileField(label=_("File"), help_text=OFFICE_HINT)
    note = forms.CharField(
        label=_("What changed"),
        max_length=500,
        required=False,
        help_text=_("E.g. “signed by the client”."),
    )


class DocumentRenameForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
