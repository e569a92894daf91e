"""What text Pult accepts, said once for every way in (forms, API, sockets, imports).

Control characters break what reads the text later (an XLSX export refuses them, a
terminal or a mail client may act on them) and a lone surrogate cannot even be stored
as UTF-8. Text may carry tabs and line breaks where it is more than one line long.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

# C0 controls, DEL and the C1 block; tab, line feed and carriage return are judged apart.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

CONTROL_MESSAGE = _(
    "Remove the control characters from this text (they are invisible; "
    "copying the text from another program sometimes brings them)."
)
LINE_BREAK_MESSAGE = _("This text must be one line: remove the tabs and line breaks.")
SURROGATE_MESSAGE = _("This text is not valid Unicode.")


def text_problem(text: str, *, multiline: bool = True) -> str | None:
    """Why the text may not be stored (a translated message), or None when it may.
    `multiline` allows tabs and line breaks."""
    if _SURROGATE.search(text):
        return str(SURROGATE_MESSAGE)
    if _CONTROL.search(text):
        return str(CONTROL_MESSAGE)
    if not multiline and _LINE_BREAKS.search(text):
        return str(LINE_BREAK_MESSAGE)
    return None


def printable(text: str) -> str:
    """The text without what `text_problem` refuses (tabs and line breaks kept): for
    writing out what was stored before the rule, e.g. into an export."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def spreadsheet_cell(text: str) -> str:
    """A cell of a CSV or XLSX export as plain text: spreadsheets run cells that start
    with = + - @ (or a tab or line break before them) as formulas, and XLSX cannot hold
    control characters at all, so text stored before input refused them must not break
    the export for everyone."""
    text = printable(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
