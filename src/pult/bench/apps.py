from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """`pult bench`: a tool on top of everything; no other app imports it."""

    name = "pult.bench"
    label = "bench"
    verbose_name = _("Benchmark")
