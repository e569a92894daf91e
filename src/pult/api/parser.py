"""The API's request parser: query strings and form fields pass `core.text`'s rule.

A JSON body is checked by its schema (`api.schemas.In`), which names the field; query
strings and form fields reach code that reads `request.GET` itself (the item list's
filter bar), so their text is checked here, where ninja reads them: a NUL in `?q=`
would otherwise reach PostgreSQL, which refuses it with a 500.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from pult.core.text import text_problem


class TextParser(Parser):
    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        refused: list[InitErrorDetails] = []
        for key, values in data.lists():
            for value in values:
                # Uploaded files are judged by document checks, not here.
                if isinstance(value, str) and (problem := text_problem(value)):
                    error = PydanticCustomError("text", "{problem}", {"problem": problem})
                    refused.append({"type": error, "loc": (key,), "input": value})
                    break
        if refused:
            # A pydantic error, so ninja reports it with the other parameters' errors
            # (422, each parameter named), as if the field's own type had refused it.
            raise ValidationError.from_exception_data("query", refused)
        return super().parse_querydict(data, list_fields, request)
