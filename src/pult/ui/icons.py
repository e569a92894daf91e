"""Icons rendered once per process.

The heroicons template tags copy and serialise the icon's SVG tree on every use: a list
page with 80 icons spent ~10 ms on that alone. An icon's markup depends only on its
style, name, size and attributes, so the rendering is memoised here (a few hundred
distinct icons at most)."""

from __future__ import annotations

import functools

import heroicons

_render = heroicons._render_icon


@functools.lru_cache(maxsize=2048)
def _render_once(
    style: str, name: str, size: int | None, attrs: tuple[tuple[str, str], ...]
) -> str:
    return _render(style, name, size, dict(attrs))


def _render_icon(style: str, name: str, size: int | None, attrs: dict[str, object]) -> str:
    return _render_once(style, name, size, tuple(sorted((k, str(v)) for k, v in attrs.items())))


def memoise_icons() -> None:
    """Route heroicons' renderer (read by its template tags at each call) through ours."""
    heroicons._render_icon = _render_icon
