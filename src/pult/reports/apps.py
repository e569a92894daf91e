from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "pult.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from pult.reports import rollup
        from pult.work.models import Item

        # Deleting items takes their counts out of the statistics rollup.
        pre_delete.connect(rollup.item_pre_delete, sender=Item, dispatch_uid="stats_rollup")
