from django import template

from pult.notifications.models import Notification
from pult.notifications.texts import notification_text

register = template.Library()


@register.simple_tag(takes_context=True)
def notification(context: template.Context, n: Notification) -> str:
    """`{% notification n %}`: what the notification says to whoever reads the page."""
    user = getattr(context.get("request"), "user", None)
    return notification_text(n, user if user is not None and user.is_authenticated else None)
