from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import Permission

VIEW_FEED = "activity.view_feed"

PERMISSIONS = [
    Permission(VIEW_FEED, _("See the activity feed of the workspace")),
]
