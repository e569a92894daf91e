"""The parties app's menu entries (see pult.ui.navigation)."""

from django.utils.translation import gettext_lazy as _

from pult.parties.policies import can_view_clients, can_view_parties
from pult.ui.navigation import NavItem, by_policy

ENTRIES = [
    NavItem(
        "clients",
        _("Clients"),
        "parties:client_list",
        "building-office-2",
        by_policy(can_view_clients),
        position=600,
        section_key="clients",
    ),
    NavItem(
        "outlets",
        "",  # named by the workspace's word
        "parties:outlet_list",
        "building-storefront",
        by_policy(can_view_parties),
        position=700,
        section_key="places",
        word="places",
    ),
    NavItem(
        "specialists",
        "",
        "parties:specialist_list",
        "paint-brush",
        by_policy(can_view_parties),
        position=800,
        section_key="specialists",
        word="specialists",
    ),
]
