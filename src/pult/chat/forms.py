from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from pult.chat.services import MAX_BODY
from pult.core.forms import Form


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented recipe). Only the upload's
    shape is checked here; type, size and count are the service's (documents) rules."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(part, initial) for part in data if part]
        return [single(data, initial)] if data else []


class MessageForm(Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_BODY,
        # A message with files may have no text; the service requires one or the other.
        required=False,
        strip=False,  # the service strips, so every path counts the same characters
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    internal = forms.BooleanField(label=_("Internal note (staff only)"), required=False)
    # The metaclass moves declared fields into base_fields, so this does not replace
    # Form.files (the uploaded-files dict); mypy only sees the class attribute.
    files = MultipleFileField(label=_("Files"), required=False)  # type: ignore[assignment]
