"""Badges a list shows on every row, rendered once per look.

A list of 50 rows included `work/_status.html` and `work/_urgent.html` on each row, and
those includes cost more than all the row's other cells. A badge's markup depends only
on what it shows (and the language, through its words), so it is rendered through the
same templates once and kept per process."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from pult.work.models import Status

register = template.Library()


@functools.lru_cache(maxsize=1024)
def _status(key: str, colour: str, icon: str, name: str) -> SafeString:
    shown = {"key": key, "colour": colour, "icon": icon, "name": name}
    return mark_safe(render_to_string("work/_status.html", {"status": shown}))  # noqa: S308 - our template's output


@functools.lru_cache(maxsize=64)
def _urgent(language: str) -> SafeString:
    return mark_safe(render_to_string("work/_urgent.html", {"item": {"urgent_at": True}}))  # noqa: S308 - our template's output


@register.simple_tag
def status_badge(status: Status) -> SafeString:
    """`{% include "work/_status.html" %}` for a status, from the per-process memo."""
    return _status(status.key, status.colour, status.icon, str(status.name))


@register.simple_tag
def urgent_badge(urgent_at: object) -> SafeString:
    """`{% include "work/_urgent.html" %}` for an item flagged urgent; nothing otherwise."""
    if not urgent_at:
        return SafeString("")
    return _urgent(translation.get_language() or "")
