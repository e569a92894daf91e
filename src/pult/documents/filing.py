"""The files a requester attaches when filing an item (the engine's reference-files
part of its new-item form, `pult.work.filing`): checked like every upload, attached as
the item's input files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pult.documents.files import check_upload
from pult.documents.services import attachment_add

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from pult.accounts.models import User, Workspace
    from pult.work.models import Item


def attach_reference(actor: User, workspace: Workspace, item: Item, upload: UploadedFile) -> None:
    attachment_add(actor=actor, workspace=workspace, item_id=item.pk, upload=upload, kind="input")


def register() -> None:
    from pult.work.filing import register_reference_files

    register_reference_files(check=check_upload, attach=attach_reference)
