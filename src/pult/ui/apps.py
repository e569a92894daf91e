from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "pult.ui"
    verbose_name = _("Interface")

    def ready(self) -> None:
        from pult.ui import people_search
        from pult.ui.icons import memoise_icons

        memoise_icons()
        people_search.register()  # the domain apps register theirs in their ready()
