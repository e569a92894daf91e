from django import template

from pult.activity import registry
from pult.activity.describe import describe_event
from pult.activity.models import Event

register = template.Library()


@register.simple_tag
def describe(event: Event) -> str:
    return describe_event(event)


@register.filter
def verb_label(key: str) -> str:
    known = registry.verb(key)
    return str(known.label) if known else key
