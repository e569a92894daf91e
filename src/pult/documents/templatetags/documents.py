from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from pult.documents import markup

register = template.Library()


@register.filter
def kb_markup(body: str) -> SafeString:
    """An article's text as safe HTML (see pult.documents.markup)."""
    return markup.render(body or "")


@register.filter
def of_kind(attachments: Iterable[Any], kind: str) -> list[Any]:
    """The attachments of one kind: `attachments|of_kind:"deliverable"`."""
    return [a for a in attachments or [] if getattr(a, "kind", None) == kind]
