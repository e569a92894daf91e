"""A workspace's own words and menu sections (F-WORDS).

The engine speaks no one business's language: what an item is called (request, order,
work order), who files it, who does it, the places it is filed for and its files are
data of the workspace — `Workspace.words`, a catalogue key → {"en": …, "ru": …} filled
from its preset and edited by its administrator. The defaults below are neutral.

Why words are data per language and not msgids: the same word differs per workspace,
so the translation catalogue cannot hold it; sentences around a word stay msgids with
a placeholder (`{% blocktranslate with items=words.lower.items %}`), and their Russian
keeps the word in the nominative (plural subject, or after a colon), so one stored form
per language is enough — no grammatical cases to ask an administrator for.

`Workspace.sections` lists the parts of the product the workspace runs (menu entries
and their pages); an empty list — workspaces made before sections existed — means all.
A section that is off hides its menu entry and its pages answer 404
(`pult.core.views.section_required`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from pult.accounts.models import Workspace

MAX_WORD = 120


@dataclass(frozen=True)
class WordDef:
    key: str
    label: str | Promise  # what the settings form calls the word
    en: str  # the neutral default, per language
    ru: str


# The fixed catalogue. Neutral defaults: "Item"/«Задача» as the engine's own name for a
# piece of work; "Location"/«Объект» rather than "Place", which already means a
# position in the queue ("its place in the queue").
WORDS: tuple[WordDef, ...] = (
    WordDef("workspace_name", _("Workspace name"), "", ""),
    WordDef("item", _("Item (one)"), "Item", "Задача"),
    WordDef("items", _("Items (several)"), "Items", "Задачи"),
    WordDef("my_items", _("My items (menu)"), "My items", "Мои задачи"),
    WordDef("new_item", _("New item (button)"), "New item", "Новая задача"),
    WordDef("requester", _("Requester (one)"), "Requester", "Инициатор"),
    WordDef("requesters", _("Requesters (several)"), "Requesters", "Инициаторы"),
    WordDef("specialist", _("Specialist (one)"), "Specialist", "Специалист"),
    WordDef("specialists", _("Specialists (several)"), "Specialists", "Специалисты"),
    WordDef("place", _("Location (one)"), "Location", "Объект"),
    WordDef("places", _("Locations (several)"), "Locations", "Объекты"),
    WordDef("source_files", _("Incoming files (heading)"), "Source files", "Исходные файлы"),
    WordDef("result_files", _("Results (heading)"), "Results", "Результаты"),
    WordDef(
        "files_hint",
        _("Which files to attach (hint)"),
        "Pictures, PDF and office documents.",
        "Изображения, PDF и офисные документы.",
    ),
)
WORD_KEYS = tuple(w.key for w in WORDS)
_DEFAULTS = {w.key: {"en": w.en, "ru": w.ru} for w in WORDS}


@dataclass(frozen=True)
class SectionDef:
    key: str
    label: str | Promise  # used when `word` is empty
    word: str = ""  # the section is named by the workspace's word, e.g. "My requests"


# The parts of the product a workspace may switch off. Always on (not listed): the
# overview, notifications, people and the administration pages.
SECTIONS: tuple[SectionDef, ...] = (
    SectionDef("track", "", word="my_items"),
    SectionDef("new_item", "", word="new_item"),
    SectionDef("queue", _("Queue")),
    SectionDef("archive", _("Archive")),
    SectionDef("items", "", word="items"),
    SectionDef("clients", _("Clients and contracts")),
    SectionDef("places", "", word="places"),
    SectionDef("specialists", "", word="specialists"),
    SectionDef("newsletters", _("Newsletters")),
    SectionDef("materials", _("Ready materials")),
    SectionDef("kb", _("Knowledge base")),
    SectionDef("agenda", _("My calendar")),
    SectionDef("statistics", _("Statistics")),
    SectionDef("activity", _("Activity")),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)


def _language() -> str:
    code = (translation.get_language() or settings.LANGUAGE_CODE or "en")[:2]
    return code if code in _DEFAULTS["item"] else "en"


def _lower_first(text: str) -> str:
    """ "Requests" → "requests" for the middle of a sentence; "PSD files" stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


class Words:
    """A workspace's words in the active language: `words.items`, `words["items"]`, and
    `words.lower.items` ("requests") for the middle of a sentence.

    Resolved when read, so one object serves a page whatever language renders it; a
    word missing in the workspace falls back to the catalogue's neutral default."""

    __slots__ = ("_name", "_stored")

    def __init__(self, stored: dict[str, Any] | None, name: str = "") -> None:
        self._stored = stored if isinstance(stored, dict) else {}
        self._name = name

    def get(self, key: str, language: str | None = None) -> str:
        if key not in _DEFAULTS:
            raise KeyError(key)
        language = language or _language()
        entry = self._stored.get(key)
        if isinstance(entry, dict):
            text = entry.get(language)
            if isinstance(text, str) and text.strip():
                return text
        if key == "workspace_name":
            return self._name
        return _DEFAULTS[key].get(language) or _DEFAULTS[key]["en"]

    def __getitem__(self, key: str) -> str:
        return self.get(key)

    def __getattr__(self, key: str) -> str:
        try:
            return self.get(key)
        except KeyError:
            raise AttributeError(key) from None

    @property
    def lower(self) -> _LowerWords:
        return _LowerWords(self)


class _LowerWords:
    __slots__ = ("_words",)

    def __init__(self, words: Words) -> None:
        self._words = words

    def __getitem__(self, key: str) -> str:
        return _lower_first(self._words.get(key))

    def __getattr__(self, key: str) -> str:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


def words_for(workspace: Workspace | None) -> Words:
    """The words of `workspace` (the neutral ones without a workspace). No query: the
    words live on the workspace row that the middleware loaded."""
    if workspace is None:
        return Words({})
    return Words(workspace.words, workspace.name)


def workspace_label(workspace: Workspace) -> str:
    """The workspace's name in the reader's language; the typed name otherwise."""
    return words_for(workspace).workspace_name or workspace.name


def section_on(workspace: Workspace | None, key: str) -> bool:
    """Does the workspace run this section? Everything is on where none are chosen."""
    if workspace is None:
        return False
    sections = workspace.sections
    return not sections or key in sections


class SectionsOn:
    """`sections_on.places` in templates: is the section on in this workspace?"""

    __slots__ = ("_workspace",)

    def __init__(self, workspace: Workspace | None) -> None:
        self._workspace = workspace

    def __getitem__(self, key: str) -> bool:
        if key not in SECTION_KEYS:
            raise KeyError(key)
        return section_on(self._workspace, key)

    def __getattr__(self, key: str) -> bool:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


def words_clean(data: Any) -> dict[str, dict[str, str]]:
    """Stored form of words: known keys and languages only, trimmed, empty ones dropped
    (an empty word falls back to the default rather than blanking a heading)."""
    if not isinstance(data, dict):
        return {}
    languages = [code for code, _name in settings.LANGUAGES]
    cleaned: dict[str, dict[str, str]] = {}
    for key in WORD_KEYS:
        entry = data.get(key)
        if not isinstance(entry, dict):
            continue
        texts = {
            lang: " ".join(str(entry[lang]).split())[:MAX_WORD]
            for lang in languages
            if isinstance(entry.get(lang), str) and entry[lang].strip()
        }
        if texts:
            cleaned[key] = texts
    return cleaned


def sections_clean(data: Any) -> list[str]:
    """Stored form of sections: known keys, in the catalogue's order."""
    if not isinstance(data, list | tuple):
        return []
    wanted = {str(key) for key in data}
    return [key for key in SECTION_KEYS if key in wanted]
