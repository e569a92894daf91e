from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "pult.work"
    verbose_name = _("Work items")

    def ready(self) -> None:
        from pult.work import (
            agenda,
            events,  # noqa: F401  registers event kinds and feed visibility
            notifying,
            party_hooks,
            search,
        )
        from pult.work.pipeline_cache import connect_signals

        connect_signals()
        search.register()  # orders and requests in the global search
        notifying.register()  # rules' conditions and addressees on items
        agenda.register()  # the items due on the personal agenda
        party_hooks.register()  # who sees parties, who the specialists are, outlet cards
