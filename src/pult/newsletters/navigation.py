"""The newsletters app's menu entries (see pult.ui.navigation)."""

from django.utils.translation import gettext_lazy as _

from pult.newsletters.permissions import SEND
from pult.ui.navigation import NavItem, holds_any

ENTRIES = [
    NavItem(
        "newsletters",
        _("Newsletters"),
        "newsletters:newsletter_list",
        "envelope",
        holds_any(SEND),
        position=900,
        section_key="newsletters",
    ),
]
