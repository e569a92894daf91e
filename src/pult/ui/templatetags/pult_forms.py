"""Long selects rendered in one pass."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def options(
    rows: Iterable[Any], selected: Any = None, value: str = "pk", label: str = "full_name"
) -> SafeString:
    """`<option>` elements for rows with attributes `value` and `label`, the one equal to
    `selected` marked. A desk's assignee select lists hundreds of people; the template
    engine spent ~15 µs on each option's value, label and comparison, and format_html
    still ~10 µs: the escaping is done here with the standard library's `html.escape`
    (the same as Django's `escape`, which adds a lazy-argument check to every call)."""
    chosen = "" if selected is None else str(selected)
    parts = []
    for row in rows:
        key = str(getattr(row, value))
        mark = " selected" if key == chosen else ""
        text = html.escape(str(getattr(row, label)))
        parts.append(f'<option value="{html.escape(key)}"{mark}>{text}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above
