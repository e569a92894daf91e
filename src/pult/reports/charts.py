"""Charts as server-side SVG strings: no JavaScript library, no CDN, nothing to build.

Colours are presentation attributes (the Content-Security-Policy forbids inline
styles), matching the design system's palette. Each chart is an `role="img"` with an
accessible label; every bar carries a <title> (a tooltip on hover), and the page shows
the same numbers in a table next to the chart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The design system's palette (pult.css), by the colour names statuses use.
PALETTE = {
    "primary": "#1f5fbf",
    "info": "#0b6a88",
    "success": "#1e7b34",
    "warning": "#8a5a00",
    "danger": "#b42318",
    "neutral": "#4b5563",
}
TEXT = "#1b1f24"
MUTED = "#57606a"
GRID = "#d9dde3"
FONT = 'font-family="system-ui, sans-serif"'


def colour(name: str) -> str:
    """A palette colour by name; a literal #rrggbb passes; anything else is neutral."""
    if name in PALETTE:
        return PALETTE[name]
    if re.fullmatch(r"#[0-9a-fA-F]{6}", name):
        return name
    return PALETTE["neutral"]


def _n(value: float) -> str:
    """A number in the reader's locale."""
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _axis(value: int, ticks: int = 5) -> tuple[int, int]:
    """A round top and a whole step for a count axis: at most `ticks` steps of 1, 2, 5 × 10^k."""
    if value <= 0:
        return 1, 1
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if math.ceil(value / step) <= ticks:
                return math.ceil(value / step) * step, step
        magnitude *= 10


def _svg(width: int, height: int, label: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 — every text and attribute below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(label)}" focusable="false" '
        f'class="chart">{"".join(body)}</svg>'
    )


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: Sequence[int]


def grouped_bars(
    *, categories: Sequence[str], series: Sequence[Series], label: str, height: int = 280
) -> SafeString:
    """Vertical bars, one group per category (e.g. a week), one bar per series."""
    left, right, top, bottom = 44, 12, 34, 70
    slots = max(len(categories), 1)
    width = max(640, min(960, left + right + slots * 28 * max(len(series), 1)))
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value, step = _axis(max((v for s in series for v in s.values), default=0))
    slot_w = plot_w / slots
    bar_w = max(2.0, (slot_w * 0.8) / max(len(series), 1))
    body: list[str] = []

    # Legend: colour and word, never colour alone.
    x = left
    for s in series:
        body.append(
            f'<rect x="{x}" y="8" width="12" height="12" rx="2" fill="{colour(s.colour)}"/>'
            f'<text x="{x + 18}" y="18" font-size="12" fill="{TEXT}" {FONT}>{escape(s.name)}</text>'
        )
        x += 36 + 8 * len(s.name)

    # Grid lines and the value axis.
    for value in range(0, top_value + 1, step):
        y = top + plot_h - plot_h * value / top_value
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{MUTED}" {FONT}>{escape(_n(value))}</text>'
        )

    # Category labels: thinned so they never overlap, turned to fit long ones.
    every = max(1, math.ceil(slots / 16))
    for i, category in enumerate(categories):
        group_x = left + i * slot_w + slot_w * 0.1
        for j, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else 0
            bar_h = plot_h * value / top_value
            bx, by = group_x + j * bar_w, top + plot_h - bar_h
            tip = f"{category}: {s.name} — {_n(value)}"
            body.append(
                f'<rect x="{bx:.1f}" y="{by:.1f}" width="{bar_w * 0.92:.1f}" '
                f'height="{max(bar_h, 0.5):.1f}" fill="{colour(s.colour)}">'
                f"<title>{escape(tip)}</title></rect>"
            )
        if i % every == 0:
            cx, cy = left + i * slot_w + slot_w / 2, top + plot_h + 14
            body.append(
                f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="11" text-anchor="end" '
                f'transform="rotate(-40 {cx:.1f} {cy:.1f})" fill="{MUTED}" {FONT}>'
                f"{escape(category)}</text>"
            )
    return _svg(width, height, label, body)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str = "primary"


def horizontal_bars(*, bars: Sequence[Bar], label: str, width: int = 560) -> SafeString:
    """One horizontal bar per row (e.g. a status), the value written at its end."""
    label_w, value_w, row_h, top = 170, 56, 28, 6
    height = top * 2 + row_h * max(len(bars), 1)
    plot_w = width - label_w - value_w
    top_value = max((b.value for b in bars), default=0) or 1
    body: list[str] = []
    for i, bar in enumerate(bars):
        y = top + i * row_h
        short = bar.label if len(bar.label) <= 24 else bar.label[:23] + "…"
        bar_w = plot_w * bar.value / top_value
        tip = f"{bar.label}: {_n(bar.value)}"
        body.append(
            f"<g><title>{escape(tip)}</title>"
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" font-size="12" '
            f'text-anchor="end" fill="{TEXT}" {FONT}>{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 5}" width="{max(bar_w, 1):.1f}" height="{row_h - 10}" '
            f'rx="3" fill="{colour(bar.colour)}"/>'
            f'<text x="{label_w + bar_w + 6:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="12" '
            f'fill="{TEXT}" {FONT}>{escape(_n(bar.value))}</text></g>'
        )
    return _svg(width, height, label, body)
