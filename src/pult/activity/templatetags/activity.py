from django import template

from pult.activity import registry
from pult.activity.describe import describe_event, in_reader_language
from pult.activity.models import Event

register = template.Library()


@register.simple_tag(takes_context=True)
def describe(context: template.Context, event: Event, quote: bool = False) -> str:
    """The event as a sentence for whoever reads the page (see describe_event)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    viewer = user if user is not None and user.is_authenticated else None
    return describe_event(event, viewer, quote=quote)


@register.filter
def verb_label(key: str) -> str:
    known = registry.verb(key)
    return str(known.label) if known else key


@register.filter
def reader_language(value: object) -> object:
    """`{{ message.step|reader_language }}`: a name kept in both languages, in the page's."""
    return in_reader_language(value)
