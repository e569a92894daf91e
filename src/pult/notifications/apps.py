from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "pult.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from pult.activity.registry import listen
        from pult.notifications import events  # noqa: F401  registers event kinds and feed visibility
        from pult.notifications.services import event_recorded

        listen(event_recorded)  # every event's rules, dispatched after its commit
