"""The pipeline editor's menu entry (see pult.ui.navigation)."""

from django.utils.translation import gettext_lazy as _

from pult.ui.navigation import NavItem, holds_any
from pult.work.permissions import CONFIGURE

ENTRIES = [
    NavItem(
        "pipelines",
        _("Pipelines"),
        "pipelines:list",
        "arrows-right-left",
        holds_any(CONFIGURE),  # what `work.policies.can_configure_pipeline` asks
        position=2500,
        section="admin",
    ),
]
