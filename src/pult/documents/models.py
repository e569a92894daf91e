"""Files attached to work items, versioned documents of contracts and orders, the
knowledge base and the ready-materials library.

Every file lives on the default (private) storage under a random name inside its
workspace's folder; it only leaves through a permission-checked view.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def _random_path(workspace_id: int | None, folder: str, filename: str) -> str:
    """`documents/<workspace>/<folder>/<random>.<ext>`: the stored name says nothing about
    the content, the extension is the one the content was recognised as."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    ext = "".join(c for c in ext if c.isalnum())[:8] or "bin"
    return f"documents/{workspace_id}/{folder}/{secrets.token_hex(16)}.{ext}"


def attachment_upload_to(instance: Any, filename: str) -> str:
    return _random_path(instance.workspace_id, "attachments", filename)


def material_upload_to(instance: Any, filename: str) -> str:
    return _random_path(instance.workspace_id, "materials", filename)


def document_version_upload_to(instance: Any, filename: str) -> str:
    return _random_path(instance.workspace_id, "versions", filename)


def thumbnail_upload_to(instance: Any, filename: str) -> str:
    return _random_path(instance.workspace_id, "thumbnails", filename)


class AttachmentKind(models.TextChoices):
    INPUT = "input", _("Source file")
    DELIVERABLE = "deliverable", _("Result")


class Attachment(models.Model):
    """A file on a work item: an input from the requester's side or a deliverable."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(
        "work.Item", on_delete=models.CASCADE, related_name="attachments", verbose_name=_("item")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            # The item page lists inputs and deliverables, oldest first; the guard
            # `has_deliverable` is an EXISTS over the same range.
            models.Index(fields=["item", "kind", "created_at"], name="attachment_item_kind"),
        ]

    def __str__(self) -> str:
        return self.original_name


class Article(models.Model):
    """A knowledge-base page: plain text with blank-line paragraphs and simple lists."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(_("address"), max_length=120, allow_unicode=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # An article written for readers of one language ("ru", "en"), e.g. the Russian and
    # English twins of the regulations a preset brings; empty: for everyone.
    language = models.CharField(_("language"), max_length=8, blank=True)
    # Empty for articles a preset brought (nobody in the workspace wrote them).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("edited by"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="article_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class MaterialCategory(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("material category")
        verbose_name_plural = _("material categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "workspace", Lower("name"), name="material_category_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    """A ready material (logo, template, photo) anyone in the workspace may take."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        MaterialCategory,
        on_delete=models.PROTECT,
        related_name="materials",
        verbose_name=_("category"),
    )
    brand = models.ForeignKey(
        "parties.Brand",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("brand"),
    )
    # Comma-joined, lower-case: portable to SQLite (no ArrayField) and enough for search.
    tags = models.CharField(_("tags"), max_length=500, blank=True)
    # casefold(title + tags): search is a plain substring match that is case-insensitive
    # for Cyrillic too (SQLite's LIKE folds ASCII only); trigram-indexed on PostgreSQL.
    search_text = models.TextField(blank=True, editable=False)
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=255)
    thumbnail = models.FileField(upload_to=thumbnail_upload_to, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        indexes = [
            # Lists are newest first (keyset on id) within a workspace, by category or brand.
            models.Index(fields=["workspace", "id"], name="material_ws_id"),
            models.Index(fields=["workspace", "category", "id"], name="material_ws_category"),
            models.Index(fields=["workspace", "brand", "id"], name="material_ws_brand"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (p.strip() for p in self.tags.split(",")) if t]


class Document(models.Model):
    """A versioned document kept on exactly one contract or one order (work item).

    Its versions are numbered 1..n; `current_version` is the highest, advanced under a
    row lock on this document so that two uploads at once get n+1 and n+2.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    # Contracts are never deleted (orders point at them too); a contract's documents
    # would keep it anyway.
    contract = models.ForeignKey(
        "parties.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("contract"),
    )
    item = models.ForeignKey(
        "work.Item",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("order"),
    )
    title = models.CharField(_("title"), max_length=200)
    current_version = models.PositiveIntegerField(_("current version"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the current version was uploaded: lists show the freshest first.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(contract__isnull=False, item__isnull=True)
                    | models.Q(contract__isnull=True, item__isnull=False)
                ),
                name="document_contract_xor_item",
            ),
        ]
        indexes = [
            # A contract's and an order's documents, freshest first.
            models.Index(
                fields=["workspace", "contract", "-updated_at"],
                name="document_ws_contract",
                condition=models.Q(contract__isnull=False),
            ),
            models.Index(
                fields=["workspace", "item", "-updated_at"],
                name="document_ws_item",
                condition=models.Q(item__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One uploaded file of a document; never changed once written."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_version_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    note = models.CharField(_("what changed"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            # Also the index of a document's history, newest first (read backwards).
            models.UniqueConstraint(
                fields=["workspace", "document", "number"], name="document_version_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="document_version_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} v{self.number}"
