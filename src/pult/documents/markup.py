"""Knowledge-base text to HTML: everything is escaped first, so no HTML gets through.

What the text may use: blank lines between paragraphs, `# ` and `## ` headings,
lists with `- ` / `* ` or `1. `, and bare http(s) links. Nothing else is interpreted.
"""

from __future__ import annotations

import re

from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")


def _inline(text: str) -> str:
    # urlize escapes the text itself (autoescape=True) and only adds <a> around URLs.
    return urlize(text.strip(), nofollow=True, autoescape=True)


def render(body: str) -> SafeString:
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""

    def close_paragraph() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if items:
            out.append(f"<{list_tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{list_tag}>")
            items.clear()
        list_tag = ""

    for line in body.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            close_paragraph()
            close_list()
            continue
        if heading := _HEADING.match(line):
            close_paragraph()
            close_list()
            level = min(len(heading.group(1)) + 1, 4)  # the page title is the <h1>
            out.append(f"<h{level}>{escape(heading.group(2).strip())}</h{level}>")
            continue
        bullet, number = _BULLET.match(line), _NUMBER.match(line)
        if bullet or number:
            close_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag and list_tag != tag:
                close_list()
            list_tag = tag
            items.append(_inline((bullet or number).group(1)))  # type: ignore[union-attr]
            continue
        if items:  # a continuation line of the last list item
            items[-1] += " " + _inline(line)
            continue
        paragraph.append(line)
    close_paragraph()
    close_list()
    return mark_safe("\n".join(out))  # noqa: S308  every piece above is escaped
