"""The sources of the global search (/search/): what each app finds for a query.

The ui app knows no domain app. Each app registers its sources in `AppConfig.ready()`
(`register_search_source`), and the search page draws whatever is registered, in
`position` order. A source's function finds only what the actor may see, through its
app's `visible_to(actor, workspace)` selector, returns at most `limit` hits and costs a
fixed number of queries (one to three), so the page's cost does not grow with the data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from django.utils.functional import Promise
    from django.utils.safestring import SafeString

    from pult.accounts.models import User, Workspace

# Hits shown per kind; each source is asked for one more, to tell "there are more".
PER_KIND = 10


@dataclass(frozen=True)
class SearchHit:
    """One line of the results: a link and a few words that tell the hit apart."""

    url: str
    label: str
    details: Sequence[str] = ()
    # Markup the source renders itself (a status badge); plain text is escaped.
    badge: SafeString | str = ""


SearchFinder = Callable[["User", "Workspace", str, int], Sequence[SearchHit]]


@dataclass(frozen=True)
class SearchSource:
    key: str
    title: str | Promise
    find: SearchFinder
    position: int = 100
    # Where the app's own list shows every match, given `?q=` (a URL name), if it has one.
    list_url_name: str = ""


@dataclass
class SearchResult:
    source: SearchSource
    hits: list[SearchHit] = field(default_factory=list)
    more: bool = False


_SOURCES: dict[str, SearchSource] = {}
# What the sources of one `search_all` share (see `shared`); None outside of it.
_memo: ContextVar[dict[object, Any] | None] = ContextVar("pult_search_memo", default=None)
T = TypeVar("T")


def register_search_source(
    key: str,
    title: str | Promise,
    fn: SearchFinder,
    *,
    position: int = 100,
    list_url_name: str = "",
) -> None:
    """Add (or replace, by key) a source: `fn(actor, workspace, query, limit)`."""
    _SOURCES[key] = SearchSource(key, title, fn, position, list_url_name)


def search_sources() -> list[SearchSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.position, s.key))


def search_all(
    *, actor: User, workspace: Workspace, query: str, per_kind: int = PER_KIND
) -> list[SearchResult]:
    """Every source's hits for the query, the kinds with none left out."""
    query = " ".join(query.split())[:100]
    if not query:
        return []
    results = []
    token = _memo.set({})
    try:
        for source in search_sources():
            hits = list(source.find(actor, workspace, query, per_kind + 1))
            if hits:
                results.append(SearchResult(source, hits[:per_kind], more=len(hits) > per_kind))
    finally:
        _memo.reset(token)
    return results


def shared(key: object, compute: Callable[[], T]) -> T:
    """`compute()`, once per `search_all` for the sources that share `key` (an app's
    two kinds matching the same rows spare the second query); every time elsewhere."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value
