"""Form pieces shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator


class _ListedChoices(ModelChoiceIterator):
    field: ListedModelChoiceField

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.rows:
            yield self.choice(row)

    def __len__(self) -> int:
        return len(self.field.rows) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.rows)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A model select over rows fetched once by `set_rows`: rendering and validation read
    that list. Django's own field runs its query again each time the select is rendered,
    counted or checked, which costs a page several queries for one short list."""

    iterator = _ListedChoices

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", None)
        super().__init__(**kwargs)
        self.rows: list[Model] = []

    def set_rows(self, queryset: QuerySet[Any]) -> None:
        self.queryset = queryset
        self.rows = list(queryset)

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        if isinstance(value, Model):
            value = getattr(value, key)
        for row in self.rows:
            if str(getattr(row, key)) == str(value):
                return row
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )
