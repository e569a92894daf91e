"""Messages' HTML, rendered once per language and time zone and kept in the cache.

A chat page shows fifty messages; rendering each one's author line, body and files
through the template engine was a fifth of the item page's time. That part is the same
for every reader in a language and zone (who wrote it is shown to all; "mine" and "seen
by" are not part of it), so it is cached under a key that changes with whatever it
shows: the message's edit time, its author's name and picture.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

if TYPE_CHECKING:
    from pult.chat.models import Message

CONTENT_TTL = 24 * 3600  # a chat is read mostly in the days it is written


def _key(message: Message, language: str, zone: str) -> str:
    author = message.author
    shown = f"{author.full_name}|{author.avatar.name if author.avatar else ''}" if author else ""
    edited = message.edited_at.timestamp() if message.edited_at else 0
    digest = hashlib.blake2b(f"{shown}|{edited}".encode(), digest_size=8).hexdigest()
    return f"pult:chat:content:{message.pk}:{language}:{zone}:{digest}"


def attach_content_html(messages: Sequence[Message]) -> None:
    """Set `content_html` on each message (the page's messages, fetched through the
    chat's visibility selector), from the cache or rendered now and cached."""
    if not messages:
        return
    language = translation.get_language() or ""
    zone = timezone.get_current_timezone_name()
    keys = {message.pk: _key(message, language, zone) for message in messages}
    found = cache.get_many(list(keys.values()))
    rendered: dict[str, str] = {}
    for message in messages:
        key = keys[message.pk]
        html = found.get(key)
        if html is None:
            html = rendered[key] = render_to_string(
                "chat/_message_content.html", {"message": message}
            )
        message.content_html = mark_safe(html)  # type: ignore[attr-defined]  # noqa: S308 - our template's output
    if rendered:
        cache.set_many(rendered, CONTENT_TTL)
