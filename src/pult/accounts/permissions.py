from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import Permission

VIEW_DIRECTORY = "accounts.view_directory"
MANAGE_MEMBERS = "accounts.manage_members"
CONFIGURE_WORKSPACE = "accounts.configure_workspace"

PERMISSIONS = [
    Permission(VIEW_DIRECTORY, _("See colleagues' profiles and contact details")),
    Permission(MANAGE_MEMBERS, _("Add people, assign their roles and departments")),
    Permission(
        CONFIGURE_WORKSPACE,
        _("Edit the workspace's name, its words and which sections its menu shows"),
    ),
]
