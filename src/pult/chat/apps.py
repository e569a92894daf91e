from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "pult.chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        from pult.chat import events  # noqa: F401  registers event kinds and feed visibility
        from pult.chat.selectors import message_file_audience
        from pult.documents.registry import register_attachment_audience

        register_attachment_audience("chat.message_files", message_file_audience)
