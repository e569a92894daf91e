from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pult.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from pult.core import lookups

        lookups.register()
