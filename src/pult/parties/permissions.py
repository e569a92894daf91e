from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import Permission

MANAGE = "parties.manage"

PERMISSIONS = [
    Permission(
        MANAGE,
        _("Manage brands, outlets, the applicants bound to them and the designers' profiles"),
    ),
]

VIEW_CLIENTS = "parties.view_clients"
MANAGE_CLIENTS = "parties.manage_clients"

PERMISSIONS += [
    Permission(VIEW_CLIENTS, _("See the client base: companies, contacts and contracts")),
    Permission(
        MANAGE_CLIENTS,
        _("Add and change clients, their contact persons and contracts; archive clients"),
    ),
]
