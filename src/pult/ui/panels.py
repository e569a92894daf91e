"""Panels that apps register on a page owned by an app below them.

A page of a lower layer (work's item page, parties' client card) may not import the apps
above it, yet it shows their cards: the chat, the files, the client's orders. The page's
app owns a `PanelRegistry`; each app that has something to show adds a `Panel` in its
`AppConfig.ready()`; the view calls `registry.draw(request, obj)`, which asks every
panel for its context, and the template draws what answered with `{% panel p %}`
(`pult_panels`), in `position` order within each place of the page ("main", "side" …).

A panel's context function gets the request (actor = `request.user`, workspace =
`request.workspace`) and the page's object, fetched through its visibility selector, and
returns the names its template needs, or None to stay off the page (an order's panel on
a design request). It must cost a fixed number of queries, so the page's count stays
flat however much data the panels show. Its names are added to the page's context for
its own template only, so they never shadow the page's or another panel's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from pult.core.http import WorkspaceRequest

T = TypeVar("T")

PanelContext = Callable[["WorkspaceRequest", T], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Panel(Generic[T]):
    key: str
    template: str
    context: PanelContext[T]
    where: str = "main"
    position: int = 100


@dataclass(frozen=True)
class DrawnPanel:
    """A panel that answered for this page: its template and its own context."""

    key: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


class PanelRegistry(Generic[T]):
    """The panels of one page, by key; `places` are where the page draws them."""

    def __init__(self, page: str, places: tuple[str, ...] = ("main", "side")) -> None:
        self.page = page
        self.places = places
        self._panels: dict[str, Panel[T]] = {}

    def __repr__(self) -> str:
        return f"<PanelRegistry {self.page}: {', '.join(self._panels) or 'empty'}>"

    def register(
        self,
        key: str,
        *,
        template: str,
        context: PanelContext[T],
        where: str | None = None,
        position: int = 100,
    ) -> None:
        """Add (or replace, by key) a panel drawn from `template` with `context(request, obj)`."""
        where = where or self.places[0]
        if where not in self.places:
            raise ValueError(f"{self.page} draws panels in {self.places}, not in {where!r}")
        self._panels[key] = Panel(key, template, context, where, position)

    def unregister(self, key: str) -> None:
        self._panels.pop(key, None)

    def panels(self) -> list[Panel[T]]:
        return sorted(self._panels.values(), key=lambda p: (p.position, p.key))

    def draw(self, request: WorkspaceRequest, obj: T) -> dict[str, list[DrawnPanel]]:
        """The panels that answer for `obj`, by place, in order (every place present)."""
        drawn: dict[str, list[DrawnPanel]] = {place: [] for place in self.places}
        for panel in self.panels():
            context = panel.context(request, obj)
            if context is not None:
                drawn[panel.where].append(DrawnPanel(panel.key, panel.template, dict(context)))
        return drawn
