from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "pult.newsletters"
    verbose_name = _("Newsletters")
