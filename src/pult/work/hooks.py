"""The engine's hook on item changes, inside the writer's transaction.

An app whose rows must agree with the items at every commit registers a watcher:
`before(item)` reads what it needs while the item row is locked, `after(state, item)`
brings its rows in step once the change is written (`state` is None for a new item).
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


_watchers: dict[str, ItemWatcher] = {}


def register_item_watcher(key: str, before: Before, after: After) -> None:
    _watchers[key] = ItemWatcher(key, before, after)


@contextmanager
def item_changing(item: Item) -> Iterator[None]:
    """Wrap a change of a locked item: the watchers see it before and after."""
    states = [(watcher, watcher.before(item)) for watcher in _watchers.values()]
    yield
    for watcher, state in states:
        watcher.after(state, item)


def item_created(item: Item) -> None:
    """Report a new item, saved in this transaction."""
    for watcher in _watchers.values():
        watcher.after(None, item)
