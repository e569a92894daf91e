"""Writing events. Called by other apps' services inside their transaction, so an
event exists exactly when its change does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from pult.activity import registry
from pult.activity.models import Event

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def event_record(
    *,
    actor: User | None,
    workspace: Workspace,
    verb: str,
    target: Model | None = None,
    payload: dict[str, Any] | None = None,
    notify: bool = True,
) -> Event:
    """Record that `actor` did `verb` to `target` and publish it on the bus: the apps
    that subscribed to the verb take part in this transaction, and the listeners hear it
    (the notifications app queues the rules' dispatch for after the commit; with
    `notify=False` the rules do not apply, e.g. to a change of the rules themselves)."""
    event = Event.objects.create(
        workspace=workspace,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        target_label=str(target)[:300] if target is not None else "",
        payload=payload or {},
    )
    registry.publish(registry.Recorded(event=event, target=target, notify=notify))
    return event
