"""Writes of files, articles and materials. Every function checks its policy, refuses
bad input with a DomainError before anything is stored, and records an event in the
same transaction.

Files and rows stay in step: a file is written only after every check passed and is
deleted again if the row cannot be saved; a removed row's file is deleted only once
the removal has committed (a rolled-back removal keeps its file).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pult.activity.services import event_record
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.core.locking import locked
from pult.documents import policies
from pult.documents.files import CheckedFile, check_upload, thumbnail_of
from pult.documents.models import (
    Article,
    Attachment,
    AttachmentKind,
    Material,
    MaterialCategory,
)
from pult.documents.selectors import attachment_visible_to, is_member, search_needle
from pult.parties.models import Brand
from pult.work.models import Item
from pult.work.selectors import item_visible_to

if TYPE_CHECKING:
    from django.db.models import Model

    from pult.accounts.models import User, Workspace

# Addresses the knowledge-base URLs use for pages of their own.
RESERVED_SLUGS = frozenset({"new"})


def _delete_after_commit(files: Iterable[FieldFile]) -> None:
    stored: list[tuple[Storage, str]] = [(f.storage, f.name) for f in files if f and f.name]

    def delete() -> None:
        for storage, name in stored:
            storage.delete(name)

    transaction.on_commit(delete)


def _discard(files: Iterable[FieldFile]) -> None:
    """Delete files written for a row that was not saved (no orphans on disk)."""
    for field_file in files:
        if field_file and field_file.name:
            field_file.storage.delete(field_file.name)


# --- Attachments -------------------------------------------------------------------


@transaction.atomic
def attachment_add(
    *,
    actor: User,
    workspace: Workspace,
    item_id: int,
    upload: UploadedFile,
    kind: str,
    shared_in: Model | None = None,
) -> Attachment:
    """Attach a checked file to an item the actor sees and may add this kind of file to.
    A file shared in something narrower than the item (a chat message) is announced on
    that thing, so the feed and notifications show it only to its audience."""
    item = (
        item_visible_to(actor, workspace)
        .select_related("item_type", "workspace")
        .prefetch_related("assignees")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound(_("Not found."))
    if kind not in AttachmentKind.values:
        raise DomainError(
            _("Choose whether this is a source file or a result."),
            field_errors={"kind": [_("Select a valid choice.")]},
        )
    if not policies.can_add_attachment(actor, item, kind):
        if kind == AttachmentKind.DELIVERABLE:
            message = _("Only the people working on the request or a manager may add results.")
        else:
            message = _("Only the requester, the people working on it or a manager may add files.")
        raise Forbidden(message, field_errors={"kind": [message]})
    checked = check_upload(upload)
    attachment = Attachment(
        workspace=workspace,
        item=item,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.file_type.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    attachment.file.save(checked.original_name, checked.content, save=False)
    try:
        attachment.save()
        event_record(
            actor=actor,
            workspace=workspace,
            verb="documents.attachment_added",
            target=shared_in or item,
            payload={
                "name": attachment.original_name,
                "kind": kind,
                "attachment_id": attachment.pk,
            },
        )
    except BaseException:
        _discard([attachment.file])
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User, workspace: Workspace, attachment_id: int) -> None:
    """Remove a file the actor sees: its uploader or a manager; the file goes after commit."""
    attachment = (
        attachment_visible_to(actor, workspace)
        .select_for_update(of=("self",))
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise NotFound(_("Not found."))
    if not policies.can_remove_attachment(actor, attachment):
        raise Forbidden(_("Only the person who added the file or a manager may remove it."))
    # A file shared in a message is announced to the message's audience, as its adding was.
    shared_in = attachment.messages.order_by("pk").first() or Item.objects.get(
        pk=attachment.item_id
    )
    name = attachment.original_name
    attachment.delete()
    _delete_after_commit([attachment.file])
    event_record(
        actor=actor,
        workspace=workspace,
        verb="documents.attachment_removed",
        target=shared_in,
        payload={"name": name, "kind": attachment.kind},
    )


# --- Knowledge base ----------------------------------------------------------------


def _article_fields(title: str, body: str) -> tuple[str, str]:
    title = " ".join(title.split())
    if not title:
        message = _("This field is required.")
        raise DomainError(_("Enter a title."), field_errors={"title": [message]})
    if len(title) > 200:
        message = _("At most 200 characters.")
        raise DomainError(message, field_errors={"title": [message]})
    return title, body.replace("\r\n", "\n").strip()


def _free_slug(workspace: Workspace, title: str) -> str:
    base = slugify(title, allow_unicode=True)[:100].strip("-") or "article"
    taken = set(
        Article.objects.filter(workspace=workspace, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    taken |= RESERVED_SLUGS
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def article_create(*, actor: User, workspace: Workspace, title: str, body: str) -> Article:
    """Write a knowledge-base article; its address is made from the title, once."""
    if not policies.can_manage_knowledge(actor, workspace):
        raise Forbidden(_("You may not edit the knowledge base."))
    title, body = _article_fields(title, body)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                workspace=workspace,
                slug=_free_slug(workspace, title),
                title=title,
                body=body,
                updated_by=actor,
            )
    except IntegrityError as error:  # two people creating the same title at once
        raise DomainError(_("An article with this title was just created; try again.")) from error
    event_record(actor=actor, workspace=workspace, verb="documents.article_created", target=article)
    return article


@transaction.atomic
def article_update(
    *, actor: User, workspace: Workspace, article_id: int, title: str, body: str
) -> Article:
    """Change an article's title and text; its address stays, so links keep working."""
    if not policies.can_manage_knowledge(actor, workspace):
        raise Forbidden(_("You may not edit the knowledge base."))
    article = locked(Article.objects.filter(workspace=workspace), article_id)
    article.title, article.body = _article_fields(title, body)
    article.updated_by = actor
    article.save(update_fields=["title", "body", "updated_by", "updated_at"])
    event_record(actor=actor, workspace=workspace, verb="documents.article_updated", target=article)
    return article


# --- Materials ---------------------------------------------------------------------


def normalise_tags(raw: str) -> str:
    """ "Logo,  Summer , logo" → "logo, summer": lower-case, unique, in the given order."""
    seen: list[str] = []
    for part in raw.replace(";", ",").split(","):
        tag = " ".join(part.split()).casefold()[:50]
        if tag and tag not in seen:
            seen.append(tag)
    return ", ".join(seen)[:500]


@transaction.atomic
def material_category_create(*, actor: User, workspace: Workspace, name: str) -> MaterialCategory:
    """A new category of the materials library; names are unique regardless of case."""
    if not policies.can_manage_materials(actor, workspace):
        raise Forbidden(_("You may not manage the materials library."))
    name = " ".join(name.split())[:120]
    if not name:
        message = _("This field is required.")
        raise DomainError(_("Enter a name."), field_errors={"name": [message]})
    exists = _("A category with this name already exists.")
    if MaterialCategory.objects.filter(workspace=workspace, name__iexact=name).exists():
        raise DomainError(exists, field_errors={"name": [exists]})
    try:
        with transaction.atomic():
            category = MaterialCategory.objects.create(workspace=workspace, name=name)
    except IntegrityError as error:
        raise DomainError(exists, field_errors={"name": [exists]}) from error
    return category


# Pictures, plus the print formats Pillow can usually draw a preview of.
_PREVIEWABLE = frozenset({"png", "jpeg", "gif", "webp", "tiff", "psd"})


def _stored_thumbnail(material: Material, checked: CheckedFile) -> None:
    if checked.file_type.key not in _PREVIEWABLE:
        return
    preview = thumbnail_of(checked.content)
    if preview is not None:
        data, ext = preview
        material.thumbnail.save(f"thumbnail.{ext}", ContentFile(data), save=False)


@transaction.atomic
def material_add(
    *,
    actor: User,
    workspace: Workspace,
    title: str,
    category_id: int,
    upload: UploadedFile,
    brand_id: int | None = None,
    tags: str = "",
) -> Material:
    """Put a checked file into the library, with a preview when it is a picture."""
    if not policies.can_manage_materials(actor, workspace):
        raise Forbidden(_("You may not manage the materials library."))
    category = MaterialCategory.objects.filter(pk=category_id, workspace=workspace).first()
    if category is None:
        message = _("Select a valid choice.")
        raise DomainError(message, field_errors={"category": [message]})
    brand = None
    if brand_id:
        brand = Brand.objects.filter(pk=brand_id, workspace=workspace).first()
        if brand is None:
            message = _("Select a valid choice.")
            raise DomainError(message, field_errors={"brand": [message]})
    checked = check_upload(upload)
    title = " ".join(title.split())[:200] or checked.original_name.rsplit(".", 1)[0][:200]
    tags = normalise_tags(tags)
    material = Material(
        workspace=workspace,
        title=title,
        category=category,
        brand=brand,
        tags=tags,
        search_text=search_needle(f"{title} {tags}"),
        original_name=checked.original_name,
        content_type=checked.file_type.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    try:
        material.file.save(checked.original_name, checked.content, save=False)
        _stored_thumbnail(material, checked)
        material.save()
        event_record(
            actor=actor, workspace=workspace, verb="documents.material_added", target=material
        )
    except BaseException:
        _discard([material.file, material.thumbnail])
        raise
    return material


@transaction.atomic
def material_remove(*, actor: User, workspace: Workspace, material_id: int) -> None:
    """Take a material out of the library; its files go after commit."""
    if not is_member(actor, workspace):
        raise NotFound(_("Not found."))
    if not policies.can_manage_materials(actor, workspace):
        raise Forbidden(_("You may not manage the materials library."))
    material = locked(Material.objects.filter(workspace=workspace), material_id)
    title = material.title
    material.delete()
    _delete_after_commit([material.file, material.thumbnail])
    event_record(
        actor=actor,
        workspace=workspace,
        verb="documents.material_removed",
        target=None,
        payload={"title": title},
    )
