from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "pult.access"
    verbose_name = _("Roles and permissions")

    def ready(self) -> None:
        from pult.access import events  # noqa: F401  registers event kinds and feed visibility
