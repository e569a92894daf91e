from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import Permission

MANAGE_CALENDARS = "calendars.manage_calendars"

PERMISSIONS = [
    Permission(
        MANAGE_CALENDARS,
        _("Edit working hours and holidays"),
        _("Changes the deadlines that SLA rules compute."),
    ),
]
