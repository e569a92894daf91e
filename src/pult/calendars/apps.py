from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "pult.calendars"
    verbose_name = _("Calendars")

    def ready(self) -> None:
        from pult.calendars import events  # noqa: F401  registers event kinds and feed visibility
