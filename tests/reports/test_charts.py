"""Server-side SVG charts: accessible, escaped, on a readable axis."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from django.utils import translation

from pult.reports import charts


def _parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 — our own output, in a test


def test_grouped_bars_are_well_formed_accessible_svg() -> None:
    svg = charts.grouped_bars(
        categories=["W1", "<W2>"],
        series=[
            charts.Series("Filed", "primary", [3, 7]),
            charts.Series("Done", "success", [1, 0]),
        ],
        label='Filed & done "per week"',
    )
    root = _parse(svg)  # parses: every text is escaped
    assert root.get("role") == "img"
    assert root.get("aria-label") == 'Filed & done "per week"'
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert titles == ["W1: Filed — 3", "W1: Done — 1", "<W2>: Filed — 7", "<W2>: Done — 0"]
    # Whole-number ticks up to a round top: 0, 2, 4, 6, 8.
    ticks = re.findall(r'text-anchor="end" fill="#57606a"[^>]*>(\d+)</text>', svg)
    assert ticks == ["0", "2", "4", "6", "8"]
    assert "style=" not in svg and "<script" not in svg


def test_horizontal_bars_use_the_palette_and_the_locale() -> None:
    bars = [charts.Bar("New", 1234, "info"), charts.Bar("Odd", 2, "url(#x)")]
    with translation.override("ru"):
        svg = charts.horizontal_bars(bars=bars, label="By status")
    root = _parse(svg)
    fills = [r.get("fill") for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert fills == [charts.PALETTE["info"], charts.PALETTE["neutral"]]  # unknown → neutral
    assert "New: 1\u00a0234" in svg


def test_empty_charts_still_render() -> None:
    assert _parse(charts.grouped_bars(categories=[], series=[], label="x")) is not None
    assert _parse(charts.horizontal_bars(bars=[], label="x")) is not None
