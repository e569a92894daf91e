"""The calendars app's menu entries (see pult.ui.navigation)."""

from django.utils.translation import gettext_lazy as _

from pult.calendars.permissions import MANAGE_CALENDARS
from pult.ui.navigation import NavItem, holds_any, in_workspace

ENTRIES = [
    NavItem(
        "agenda",
        _("My calendar"),
        "calendars:agenda",
        "calendar",
        in_workspace,
        position=1200,
        section_key="agenda",
    ),
    NavItem(
        "calendar",
        _("Business calendar"),
        "calendars:calendar",
        "calendar-days",
        holds_any(MANAGE_CALENDARS),
        position=2700,
        section="admin",
    ),
]
