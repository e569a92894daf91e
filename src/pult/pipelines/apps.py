from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelinesConfig(AppConfig):
    """The pipeline editor and pipeline files. No models: the rows are the engine's
    (`pult.work.models`); other apps add their parts of a pipeline as sections
    (`pult.pipelines.sections`) from their own `ready()`."""

    name = "pult.pipelines"
    label = "pipelines"
    verbose_name = _("Pipelines")
