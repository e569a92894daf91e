from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import Permission

VIEW_STATISTICS = "reports.view_statistics"

PERMISSIONS = [
    Permission(
        VIEW_STATISTICS,
        _("See the statistics: load per specialist, throughput, lead time, deadlines"),
    ),
]
