from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import Permission

MANAGE_ROLES = "access.manage_roles"

PERMISSIONS = [
    Permission(MANAGE_ROLES, _("Create, edit and delete roles and their permissions")),
]
