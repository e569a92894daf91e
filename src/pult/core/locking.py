"""The one way a service takes a row it is about to change: through the queryset of
what the actor may see (or what the workspace holds, for the system's own writes),
locked for the rest of the transaction, in one query. What the actor may not see does
not exist for them (NotFound, a 404), even when a view forgot to check. The shape of
Zulip's access-then-lock helpers (`access_message(..., lock_message=True)`)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pult.core.exceptions import NotFound
from pult.core.params import MAX_ID

M = TypeVar("M", bound=Model)
NOT_FOUND = _("Not found.")


def locked(rows: QuerySet[M], pk: int, *, not_found: str | Promise = NOT_FOUND) -> M:
    """Row `pk` of `rows`, locked (only its own table: joined rows stay free); NotFound
    when it is not among them."""
    if not 1 <= pk <= MAX_ID:
        raise NotFound(str(not_found))
    row = rows.select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise NotFound(str(not_found))
    return row
