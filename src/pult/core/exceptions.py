"""Domain errors: raised by services, mapped once to form errors and HTTP responses."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain refused the action; the message is shown to the user."""

    code = "invalid"

    def __init__(self, message: str | Promise, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field_errors = field_errors or {}


class NotFound(DomainError):
    """The record does not exist for this actor (invisible records are not found)."""

    code = "not_found"


class Forbidden(DomainError):
    """The actor sees the record but may not do this to it."""

    code = "forbidden"
