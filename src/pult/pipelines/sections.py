"""Pipeline sections: the parts of a pipeline's configuration that other apps own.

The engine's part of a pipeline — statuses, stages, steps, fields, field policy,
regulations — is written by `writers` and `field_writers`. Another app that keeps rows
per kind of item adds them as a section, registered from its `AppConfig.ready()`:

    register(Section(key="message_visibility", export=..., validate=..., import_=...))

Pipeline files (`io`) then export, check and import the section under its key, after
the engine's keys and in the order of registration (so an app's key stays where it is in
every exported file); the editor draws its panel and its pages. The pipelines app never
imports the apps that own sections — they sit in higher layers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django import forms
    from django.db.models import QuerySet

    from pult.accounts.models import User, Workspace
    from pult.work.models import ItemType


@dataclass(frozen=True)
class RowPages:
    """The add, edit and delete pages of one kind of row in the editor (a status, a
    step, a comment rule…). `pipelines.views.row_views` makes the views and
    `pipelines.urls` the routes: `pipelines/<type id>/<path>/new/`, `…/<row id>/` and
    `…/<row id>/delete/`, named `pipelines:<route>_new`, `_edit` and `_delete`."""

    route: str  # the URL names' stem, e.g. "status"
    path: str  # the URL segment, e.g. "statuses"
    row_arg: str  # the URL's and the services' name of the row id, e.g. "status_id"
    anchor: str  # the section of the detail page the pages return to
    rows: Callable[[ItemType], QuerySet[Any]]  # the type's rows (others answer 404)
    # (POST data or None, the type, the row or None) → the bound form with its initial.
    form: Callable[[Any, ItemType, Any], forms.Form]
    # Cleaned data → the save service's keyword arguments.
    kwargs: Callable[[dict[str, Any]], dict[str, Any]]
    # save(actor=, workspace=, item_type_id=, <row_arg>=row id or None, **kwargs)
    save: Callable[..., Any]
    delete: Callable[..., None]  # delete(actor=, workspace=, <row_arg>=row id)
    title: Callable[[Any], str]  # of the row, or of a new one for None
    saved: Callable[[], str]  # the message after a save


@dataclass(frozen=True)
class Section:
    """One key of a pipeline file, owned by another app.

    `export(item_type)` gives the key's JSON-able value; `validate(value, workspace)`
    lists what is wrong with a file's value (names it refers to that the workspace lacks,
    a bad shape: it is called before anything is written, on any JSON); `import_(
    item_type, value, actor)` makes the type's rows those of a valid value, inside the
    import's transaction, after the engine's rows (actor: None for a preset). A file
    without the key leaves the section's rows as they are.

    For the editor: `template` is drawn on the detail page with `section` =
    `context(item_type, actor)` and `item_type` in its context, and `pages` are the add,
    edit and delete pages of its rows, whose services check who may themselves.
    """

    key: str
    export: Callable[[ItemType], Any]
    validate: Callable[[Any, Workspace], list[str]]
    import_: Callable[[ItemType, Any, User | None], None]
    template: str = ""
    context: Callable[[ItemType, User], dict[str, Any]] | None = None
    pages: RowPages | None = None


_ENGINE_KEYS = frozenset(
    {
        "format",
        "key",
        "prefix",
        "name",
        "requires_contacts",
        "take_transition",
        "auto_assign",
        "skill_field",
        "sequential_stages",
        "statuses",
        "stages",
        "transitions",
        "fields",
        "field_rules",
        "sla",
    }
)
_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    """Add a section (from the owner's `AppConfig.ready()`); a key belongs to one owner."""
    if section.key in _ENGINE_KEYS:
        raise ImproperlyConfigured(f"“{section.key}” is a key of the engine's pipeline")
    known = _sections.get(section.key)
    if known is not None and known != section:
        raise ImproperlyConfigured(f"Another pipeline section has the key “{section.key}”")
    _sections[section.key] = section


def registered() -> list[Section]:
    """The sections in the order of registration (the order of INSTALLED_APPS)."""
    return list(_sections.values())
