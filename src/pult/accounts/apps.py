from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pult.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from pult.accounts import events  # noqa: F401  registers event kinds and feed visibility
