from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "pult.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from pult.notifications import events  # noqa: F401  registers event kinds and feed visibility
