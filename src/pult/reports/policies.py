"""Who may open the reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.access.policies import has_permission
from pult.reports.permissions import VIEW_STATISTICS

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def can_view_statistics(actor: User, workspace: Workspace | None) -> bool:
    return has_permission(actor, workspace, VIEW_STATISTICS)
