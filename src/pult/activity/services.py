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
    """Record that `actor` did `verb` to `target`; then let the apps that subscribed to
    the verb take part (in this transaction) and apply the notification rules."""
    event = Event.objects.create(
        workspace=workspace,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        target_label=str(target)[:300] if target is not None else "",
        payload=payload or {},
    )
    for subscriber in registry.subscribers(verb):
        subscriber(event)
    if notify:
        from pult.notifications.services import notifications_dispatch

        notifications_dispatch(event=event, target=target)
    return event
