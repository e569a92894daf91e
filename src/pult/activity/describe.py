"""Human sentences for events, in the active language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pult.activity import registry
from pult.activity.models import Event


class _Payload(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def describe_event(event: Event) -> str:
    actor = event.actor.full_name if event.actor else _("System")
    known = registry.verb(event.verb)
    if known is None:
        return f"{actor}: {event.verb} {event.target_label}".strip()
    values = _Payload(event.payload)
    values.update(actor=actor, target=event.target_label)
    return str(known.text) % values
