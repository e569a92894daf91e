from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import Permission

VIEW_DIRECTORY = "accounts.view_directory"
MANAGE_MEMBERS = "accounts.manage_members"

PERMISSIONS = [
    Permission(VIEW_DIRECTORY, _("See colleagues' profiles and contact details")),
    Permission(MANAGE_MEMBERS, _("Add people, assign their roles and departments")),
]
