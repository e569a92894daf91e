from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import Permission

MANAGE_RULES = "notifications.manage_rules"

PERMISSIONS = [
    Permission(MANAGE_RULES, _("Edit notification rules")),
]
