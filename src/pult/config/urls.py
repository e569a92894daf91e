from django.urls import include, path

from pult.api.urls import api
from pult.ui.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("pult.accounts.urls")),
    path("", include("pult.api.page_urls")),
    path("", include("pult.access.urls")),
    path("", include("pult.activity.urls")),
    path("", include("pult.notifications.urls")),
    path("", include("pult.orders.urls")),
    path("", include("pult.pipelines.urls")),
    path("", include("pult.desk.urls")),
    path("", include("pult.work.urls")),
    path("", include("pult.calendars.urls")),
    path("", include("pult.parties.urls")),
    path("", include("pult.documents.urls")),
    path("", include("pult.chat.urls")),
    path("", include("pult.reports.urls")),
    path("", include("pult.newsletters.urls")),
    path("", include("pult.ui.urls")),
]

handler403 = "pult.ui.errors.forbidden"
handler404 = "pult.ui.errors.not_found"
handler500 = "pult.ui.errors.server_error"
