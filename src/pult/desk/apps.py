from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The desk (P1's queue and any queue like it): taking from the queue, automatic
    assignment, the regulations' dates (SLA) and deadline checks, the forecast of the
    expected start, expiry warnings, and the queue and "my requests" pages. The engine
    does not import it: it watches the engine's item changes and events."""

    name = "pult.desk"
    label = "desk"
    verbose_name = _("Desk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pult.activity.registry import listen
        from pult.desk import listeners, sla, views
        from pult.work.hooks import register_item_watcher
        from pult.work.pages import register_item_facts

        register_item_watcher(
            "desk.dates", sla.dates_before, sla.dates_after, settle=sla.dates_settle
        )
        listen(listeners.event_recorded)
        register_item_facts(views.queue_place)
