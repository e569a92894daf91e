"""The documents app's menu entries (see pult.ui.navigation)."""

from django.utils.translation import gettext_lazy as _

from pult.ui.navigation import NavItem, in_workspace

ENTRIES = [
    NavItem(
        "materials",
        _("Ready materials"),
        "documents:material_list",
        "swatch",
        in_workspace,
        position=1000,
        section_key="materials",
    ),
    NavItem(
        "kb",
        _("Knowledge base"),
        "documents:article_list",
        "book-open",
        in_workspace,
        position=1100,
        section_key="kb",
    ),
]
