"""Form pieces shared by the apps; every form of the project derives from `Form`."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator

from pult.core.params import DAY_RANGE_MESSAGE, in_day_range
from pult.core.text import text_problem


class Form(forms.Form):
    """The project's form: on top of each field's own checks, no text field takes what
    `core.text` refuses (control characters anywhere, tabs and line breaks outside a
    textarea) and no date field a day outside `core.params`' range. The API's parser
    holds the same rules for JSON; tests/ui check that every form derives from this one."""

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if isinstance(value, str) and value:
                multiline = isinstance(field.widget, forms.Textarea)
                if problem := text_problem(value, multiline=multiline):
                    self.add_error(name, problem)
            elif isinstance(value, datetime.date) and not in_day_range(value):
                self.add_error(name, str(DAY_RANGE_MESSAGE))


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
