from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import Permission

SEND = "newsletters.send"

PERMISSIONS = [
    Permission(SEND, _("Compose client segments and newsletters and send them")),
]
