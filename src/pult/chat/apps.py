from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "pult.chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        from pult.activity.registry import subscribe
        from pult.chat import (
            events,  # noqa: F401  registers event kinds and feed visibility
            panels,
            pipeline_section,
        )
        from pult.chat.selectors import message_file_audience
        from pult.chat.services import step_comment_keep
        from pult.documents.registry import register_attachment_audience
        from pult.pipelines.sections import register as register_pipeline_section

        # A file sent with a message has the message's audience.
        register_attachment_audience("chat.message_files", message_file_audience)
        # A step's comment (a question, a reason) joins the item's conversation.
        subscribe("work.status_changed", step_comment_keep)
        # Who sees whose comments: a section of each pipeline (files and the editor).
        register_pipeline_section(pipeline_section.SECTION)
        # The item page's chat card.
        panels.register()
