"""What the apps above the engine add to filing a new item from its form: the files the
requester attaches as references. The documents app registers how files are checked
(before anything is written: a refused file refuses the filing) and attached (in the
filing's transaction); without it, the form takes no files.

    # documents/apps.py
    filing.register_reference_files(check=check_reference, attach=attach_reference)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from pult.accounts.models import User, Workspace
    from pult.work.models import Item

Check = Callable[["UploadedFile"], object]  # raises DomainError naming what is wrong
Attach = Callable[["User", "Workspace", "Item", "UploadedFile"], None]


@dataclass(frozen=True)
class ReferenceFiles:
    check: Check
    attach: Attach


_reference_files: list[ReferenceFiles] = []


def register_reference_files(*, check: Check, attach: Attach) -> None:
    _reference_files[:] = [ReferenceFiles(check, attach)]


def reference_files() -> ReferenceFiles | None:
    return _reference_files[0] if _reference_files else None
