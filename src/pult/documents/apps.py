from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "pult.documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from pult.documents import (  # noqa: F401
            events,  # registers event kinds and feed visibility
            filing,
            guards,  # registers the `has_deliverable` transition guard
            panels,
            search,
        )

        search.register()  # ready materials in the global search
        panels.register()  # the item page's files and documents cards
        filing.register()  # the reference files of the new-item form
