"""The engine's hook on item changes, inside the writer's transaction.

An app whose rows must agree with the items at every commit registers a watcher:
`before(item)` reads what it needs while the item row is locked, `settle(state, item)`
may set the item's own fields that follow from the change just before it is saved (one
UPDATE, not two), `after(state, item)` brings the app's rows in step once the change
is written (`state` is None for a new item).
Watchers run in the order they registered (their apps' order in INSTALLED_APPS): the
desk's dates (SLA, deadline checks) before the statistics rollup that counts them.
Every writer of the engine changes items inside `item_changing(item)` or reports a new
one with `item_created(item)`, so an app keeps its rows right without the engine
knowing it exists. What may happen after the commit (notifications, e-mail) listens to
the events instead (`activity.registry.listen`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pult.work.models import Item

Before = Callable[["Item"], Any]
After = Callable[[Any, "Item"], None]


@dataclass(frozen=True)
class ItemWatcher:
    key: str
    before: Before
    after: After
    settle: After | None = None


_watchers: dict[str, ItemWatcher] = {}


def register_item_watcher(
    key: str, before: Before, after: After, *, settle: After | None = None
) -> None:
    _watchers[key] = ItemWatcher(key, before, after, settle)


@dataclass
class Change:
    """A change in progress; the writer calls `settle()` right before saving the item."""

    item: Item
    states: list[tuple[ItemWatcher, Any]]

    def settle(self) -> None:
        for watcher, state in self.states:
            if watcher.settle is not None:
                watcher.settle(state, self.item)


@contextmanager
def item_changing(item: Item) -> Iterator[Change]:
    """Wrap a change of a locked item: the watchers see it before and after."""
    change = Change(item, [(watcher, watcher.before(item)) for watcher in _watchers.values()])
    yield change
    for watcher, state in change.states:
        watcher.after(state, item)


def item_created(item: Item) -> None:
    """Report a new item, saved in this transaction."""
    for watcher in _watchers.values():
        watcher.after(None, item)
