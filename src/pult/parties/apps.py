from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "pult.parties"
    verbose_name = _("Parties")

    def ready(self) -> None:
        from pult.parties import (
            agenda,
            events,  # noqa: F401  registers event kinds and feed visibility
            search,
        )

        search.register()  # clients and contact persons in the global search
        agenda.register()  # the managers' expiring contracts on their agenda
