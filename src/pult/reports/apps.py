from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "pult.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from pult.reports import rollup
        from pult.work.hooks import register_item_watcher
        from pult.work.models import Item

        # The statistics rollup agrees with the items at every commit: the engine's
        # writers report each change to it inside their transaction.
        register_item_watcher(
            "statistics",
            lambda item: rollup.capture(item.pk),
            lambda before, item: rollup.record(before, item.pk),
        )

        # Deleting items takes their counts out of the statistics rollup.
        pre_delete.connect(rollup.item_pre_delete, sender=Item, dispatch_uid="stats_rollup")
