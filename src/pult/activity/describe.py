"""Human sentences for events, made when they are read: in the reader's language (the
active one) and for the reader, from the verb and the event's data. A verb's `values`
names what the data only keys (a status, a step, the changed fields); a payload written
before that keeps its own words as the fallback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from pult.activity import registry
from pult.activity.models import Event

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

QUOTE_LENGTH = 300  # a notification quotes the start of a long comment


class _Payload(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def both_languages(en: str, ru: str = "") -> dict[str, str]:
    """A name as an event keeps it (a status, a step, a stage): in both languages, so
    that each reader reads it in their own, whoever acted."""
    return {"en": en, "ru": ru or en}


def in_reader_language(value: object) -> object:
    """A name kept in both languages (see `both_languages`) in the active one; any
    other value as it is."""
    if isinstance(value, dict) and "en" in value:
        language = translation.get_language() or "en"
        return value.get(language[:2]) or value["en"]
    return value


def describe_event(event: Event, viewer: User | None = None, *, quote: bool = False) -> str:
    """The event as a sentence for `viewer`. With `quote`, a comment that came with it
    (a step's question or reason) follows, when the viewer may read where it is kept;
    notifications quote, timelines leave the comment to the chat that shows it."""
    known = registry.verb(event.verb)
    values = event_values(event, viewer)
    if known is None:
        return f"{values['actor']}: {event.verb} {event.target_label}".strip()
    text = str(known.text) % values
    if quote and (quoted := _quote(event, viewer)):
        text = _("%(event)s: “%(quote)s”") % {"event": text, "quote": quoted}
    return text


def event_values(event: Event, viewer: User | None = None) -> dict[str, object]:
    """What an event's sentence is made of, for the viewer in the active language:
    the payload (names in the reader's language), the verb's `values`, the actor and
    the target. Also what a notification rule's own wording fills in."""
    values = _Payload({k: in_reader_language(v) for k, v in (event.payload or {}).items()})
    known = registry.verb(event.verb)
    if known is not None and known.values is not None:
        values.update(known.values(event, viewer))
    values.update(
        actor=event.actor.full_name if event.actor else _("System"), target=event.target_label
    )
    return values


def _kept_in(event: Event) -> tuple[int, int] | None:
    """(content type id, object id) of where the event's comment is kept, if it has one."""
    payload = event.payload or {}
    kept_in = payload.get("quote_of")
    if not payload.get("quote") or not isinstance(kept_in, list) or len(kept_in) != 2:
        return None
    return int(kept_in[0]), int(kept_in[1])


def prepare_for_reading(events: list[Event], viewer: User, workspace: Workspace) -> None:
    """Read at once what a page of one workspace's events needs to be described for the
    viewer (an inbox page would otherwise ask once or more per event): each verb's
    `prepare`, and whether the viewer may read each event's comment."""
    by_verb: dict[str, list[Event]] = {}
    for event in events:
        by_verb.setdefault(event.verb, []).append(event)
    for key, of_verb in by_verb.items():
        known = registry.verb(key)
        if known is not None and known.prepare is not None:
            known.prepare(of_verb, viewer, workspace)
    _mark_readable_quotes(events, viewer, workspace)


def _mark_readable_quotes(events: list[Event], viewer: User, workspace: Workspace) -> None:
    """Whether the viewer may read each event's comment: one query per kind of keeper,
    whatever the page's length."""
    wanted: dict[int, set[int]] = {}
    for event in events:
        if (kept_in := _kept_in(event)) is not None:
            wanted.setdefault(kept_in[0], set()).add(kept_in[1])
    readable: set[tuple[int, int]] = set()
    for type_id, ids in wanted.items():
        targets = _visible_targets(type_id, viewer, workspace)
        if targets is not None:
            found = targets.filter(pk__in=ids).values_list("pk", flat=True)
            readable.update((type_id, pk) for pk in found)
    for event in events:
        event._quote_readable = _kept_in(event) in readable  # type: ignore[attr-defined]


def _visible_targets(type_id: int, viewer: User, workspace: Workspace) -> QuerySet[Any] | None:
    model = ContentType.objects.get_for_id(type_id).model_class()
    visible = registry.visibility_rules().get(model) if model else None
    return visible(viewer, workspace) if visible else None


def _quote(event: Event, viewer: User | None) -> str:
    """The comment the event carries, if the viewer may see the object that keeps it
    (`quote_of`: content type and id, checked through the feed's visibility rules)."""
    kept_in = _kept_in(event)
    if kept_in is None or viewer is None:
        return ""
    readable = event.__dict__.get("_quote_readable")
    if readable is None:
        targets = _visible_targets(kept_in[0], viewer, event.workspace)
        readable = targets is not None and targets.filter(pk=kept_in[1]).exists()
    if not readable:
        return ""
    text = str(event.payload["quote"])
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1].rstrip() + "…"
