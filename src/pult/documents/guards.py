"""Transition conditions about files, registered by name with the work engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from pult.work.guards import guard

if TYPE_CHECKING:
    from pult.accounts.models import User
    from pult.work.models import Item, Transition


@guard("has_deliverable")
def has_deliverable(item: Item, transition: Transition, actor: User) -> list[str]:
    """A result file is attached: "complete" cannot hand over nothing."""
    from pult.documents.selectors import item_has_deliverable

    return [] if item_has_deliverable(item) else [_("a deliverable file")]
