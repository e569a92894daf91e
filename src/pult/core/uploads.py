"""Upload checks: type by content (not by name), size limits, images re-encoded."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from pult.core.exceptions import DomainError

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}


def validated_image(
    upload: UploadedFile, *, max_bytes: int | None = None, max_side: int = 1024
) -> ContentFile[bytes]:
    """Re-encode an uploaded image (drops metadata and anything hidden in it)."""
    limit = max_bytes or settings.AVATAR_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise DomainError(
            _("The file is too large (at most %(size)s MB).") % {"size": limit // (1024 * 1024)},
            field_errors={"avatar": [_("The file is too large.")]},
        )
    try:
        image = Image.open(upload)
        image_format = image.format or ""
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise DomainError(
            _("Upload a JPEG, PNG or WebP image."),
            field_errors={"avatar": [_("Upload a JPEG, PNG or WebP image.")]},
        ) from error
    if image_format not in IMAGE_FORMATS:
        raise DomainError(
            _("Upload a JPEG, PNG or WebP image."),
            field_errors={"avatar": [_("Upload a JPEG, PNG or WebP image.")]},
        )
    image.thumbnail((max_side, max_side))
    out_format = "PNG" if image_format == "GIF" else image_format
    clean: Image.Image = image
    if out_format == "JPEG" and image.mode not in ("RGB", "L"):
        clean = image.convert("RGB")
    buffer = io.BytesIO()
    clean.save(buffer, format=out_format)
    return ContentFile(buffer.getvalue(), name=f"image.{IMAGE_FORMATS[image_format]}")
