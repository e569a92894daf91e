"""Keyset pagination: a page costs the same on row 10 and on row 10 million.

Lists are ordered newest first by (created_at, id); the cursor is the id of the
last row shown, so the next page is one index range scan, never an OFFSET.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet

from pult.core.params import id_or_none

M = TypeVar("M", bound=Model)
R = TypeVar("R")


@dataclass
class KeysetPage(Generic[R]):
    rows: list[R]
    next_cursor: int | None
    page_size: int


# An id from a query parameter, or None (core.params holds the bounds).
parse_positive_int = id_or_none
# A cursor is the id of the last row shown.
parse_cursor = id_or_none


def keyset_page(queryset: QuerySet[M], *, cursor: int | None, page_size: int = 50) -> KeysetPage[M]:
    """Rows with id below the cursor, newest first; ids grow with time in every table."""
    return _keyset(queryset, cursor, page_size, lambda row: row.pk)


def keyset_values(
    queryset: QuerySet[Any, dict[str, Any]], *, cursor: int | None, page_size: int = 50
) -> KeysetPage[dict[str, Any]]:
    """`keyset_page` of a `values()` query (its rows must include "id")."""
    return _keyset(queryset, cursor, page_size, lambda row: row["id"])


def _keyset(
    queryset: QuerySet[Any, R], cursor: int | None, page_size: int, id_of: Callable[[R], int]
) -> KeysetPage[R]:
    page_size = max(1, min(page_size, 200))
    if cursor is not None:
        queryset = queryset.filter(pk__lt=cursor)
    rows = list(queryset.order_by("-pk")[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    return KeysetPage(rows=rows, next_cursor=id_of(rows[-1]) if more else None, page_size=page_size)
