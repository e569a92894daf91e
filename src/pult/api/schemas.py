"""What the API takes and gives: the shared types every endpoint's schema is built from.

Hostile input is refused here, at the edge, with the usual 422 error body naming the
field, before any service or query sees it:
- `In`, the base of every request body: a JSON object whose strings carry no lone
  surrogate (cannot be stored as UTF-8) and no control character (`core.text`'s rule;
  tabs and line breaks pass), however deep they sit (custom field values, lists);
- `SingleLine` for titles and names, which also refuse tabs and line breaks;
- `Id` for every id in a path, a filter or a body, `Limit` and `Key` likewise: an id
  past 64 bits does not fit a bigint column, so it is refused, not sent to the database.
Query strings and form fields pass the same text rule in `api.parser`.

Why a base class and annotated types rather than checks in the endpoints: pydantic
reports each refusal against its field, the OpenAPI document declares the bounds (so
the fuzz test in tests/api/test_fuzz.py generates both sides of them), and a test
(tests/api/test_hostile_input.py) holds that every body schema is an `In`.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pult.core.params import FIRST_DAY, LAST_DAY, MAX_ID
from pult.core.text import text_problem

MAX_LIMIT = 200  # core.pagination serves at most this many rows a page

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
# A key of an item type, status, stage or transition (a SlugField of 60).
Key = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$", max_length=60)]


def _refuse(problem: str) -> PydanticCustomError:
    return PydanticCustomError("text", "{problem}", {"problem": problem})


def _one_line(text: str) -> str:
    if problem := text_problem(text, multiline=False):
        raise _refuse(problem)
    return text


SingleLine = Annotated[str, AfterValidator(_one_line)]


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# Dates the API takes: the days Pult works with (core.params), so that no "a day
# later", "a year on" or time-zone shift runs past datetime's year 9999
# (GET /reminders?since=9999-12-31 answered 500 before this bound).
FIRST_YEAR, LAST_YEAR = FIRST_DAY.year, LAST_DAY.year


def _written_out(kind: type[date]) -> Any:
    """A date or a moment written out as ISO text (YYYY-MM-DD…), parsed as pydantic
    parses it, within FIRST_YEAR..LAST_YEAR; not a number nor a number's text (such as
    "0" or "-9e-155"), which pydantic would take as seconds since 1970 and which the
    OpenAPI document does not promise."""
    adapter: TypeAdapter[date] = TypeAdapter(kind)

    def parse(value: Any) -> Any:
        parsed = value if isinstance(value, kind) else None
        if isinstance(value, str) and _ISO_DAY.match(value):
            with contextlib.suppress(ValidationError):
                parsed = adapter.validate_python(value)
        if parsed is not None and FIRST_YEAR <= parsed.year <= LAST_YEAR:
            return parsed
        message = _(
            "Enter a date from %(first)s to %(last)s as YYYY-MM-DD "
            "(with a time: YYYY-MM-DDTHH:MM:SS+03:00)."
        ) % {"first": FIRST_YEAR, "last": LAST_YEAR}
        raise PydanticCustomError("date_type", "{problem}", {"problem": message})

    return BeforeValidator(parse)


def _sum(value: Any) -> Any:
    """A number or its text as a Decimal (a body is validated strictly, see `In`)."""
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            pass
    if isinstance(value, Decimal):
        return value
    raise PydanticCustomError("decimal_type", "{problem}", {"problem": _("Enter a number.")})


Day = Annotated[date, _written_out(date)]
Moment = Annotated[datetime, _written_out(datetime)]
# A sum of money as the database keeps it (DecimalField(max_digits=14, decimal_places=2)).
Money = Annotated[
    Decimal, BeforeValidator(_sum), Field(max_digits=14, decimal_places=2, allow_inf_nan=False)
]


def first_text_problem(value: Any) -> str | None:
    """What `text_problem` says of the first bad string in a JSON value (keys included)."""
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, dict):
        items: list[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return None
    for item in items:
        if problem := first_text_problem(item):
            return problem
    return None


class In(Schema):
    """A request body: a JSON object, its text storable (see the module docstring).

    Validated strictly: ninja validates the parsed JSON as Python data, where pydantic
    would turn 0 into False or "7" into 7; a body must send what the OpenAPI document
    declares (dates and sums, which JSON has no type for, are parsed by their types)."""

    model_config = ConfigDict(strict=True)

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja's Schema reads attributes of whatever it is given (it wraps the input
        # in a DjangoGetter first), so a list or a string would otherwise pass as an
        # object with every field unset.
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(raw, dict | cls):
            raise PydanticCustomError(
                "model_type", "{problem}", {"problem": _("Send a JSON object.")}
            )
        return data

    @field_validator("*")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        if problem := first_text_problem(value):
            raise _refuse(problem)
        return value


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorBody


class WorkspaceOut(Schema):
    id: int
    name: str
    slug: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    phone: str
    position: str
    department: str | None
    locale: str
    time_zone: str
    workspace: WorkspaceOut
    roles: list[str]
    permissions: list[str]


class MePatch(In):
    full_name: SingleLine | None = None
    phone: SingleLine | None = None
    position: SingleLine | None = None
    locale: SingleLine | None = None
    time_zone: SingleLine | None = None


class PermissionOut(Schema):
    code: str
    label: str
    group: str


class RoleOut(Schema):
    id: int
    name: str
    description: str
    permissions: list[str]


class RoleIn(In):
    name: SingleLine
    description: str = ""
    permissions: list[SingleLine] = []


class NotificationOut(Schema):
    id: int
    text: str
    verb: str
    actor: str | None
    created_at: datetime
    read: bool


class Page(Schema):
    next_cursor: Id | None


class RolePage(Page):
    items: list[RoleOut]


class NotificationPage(Page):
    items: list[NotificationOut]
    unread: int


# The error answers each operation may give, for the OpenAPI document (and the fuzz
# test, which holds every answer to it): a refused rule (400), no or a bad credential
# (401), a denied action (403), an invisible or missing record (404), a malformed
# request (422). Writes may also answer 409: another request with the same
# Idempotency-Key is still running (api.idempotency).
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}
