"""What an uploaded file really is, judged by its bytes, and what we keep of it.

The allow-list is what a design desk and an office exchange: pictures, PDF, office
documents and the usual layout sources. The name's extension is never trusted; it only
picks between formats that share a container (a PDF-based `.ai` stays `.ai`). Anything
else, SVG included (a script can hide in it), is refused before a byte is stored.

A container is also checked as what it claims to be (`containers`): an Office file must
hold its main parts and nothing that runs or unpacks to a bomb, a PDF must be one.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from pult.documents.containers import (
    MAX_ZIP_ENTRIES,
    check_archive,
    check_pdf,
    directory_entries_at_most,
    refuse,
)

# A label for the refusal message: what may be uploaded.
ALLOWED_HINT = gettext_lazy(
    "images (JPEG, PNG, GIF, WebP, TIFF), PDF, Word, Excel, PowerPoint, OpenDocument, "
    "Photoshop, Illustrator, EPS, CorelDRAW and InDesign files"
)

# Contract and order documents (issue 4): what an office sends and signs, nothing else.
OFFICE_HINT = gettext_lazy(
    "PDF, Word (.doc, .docx), Excel (.xls, .xlsx) and images (JPEG, PNG, GIF, WebP, TIFF)"
)

THUMBNAIL_SIDE = 320
# Larger pictures are refused rather than decoded (a "decompression bomb" costs memory).
MAX_IMAGE_PIXELS = 80_000_000


@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    extensions: tuple[str, ...]  # the first one is used when the name has none of them
    is_image: bool = False  # re-encoded on upload, shown as a thumbnail


PNG = FileType("png", "image/png", ("png",), is_image=True)
JPEG = FileType("jpeg", "image/jpeg", ("jpg", "jpeg", "jpe"), is_image=True)
GIF = FileType("gif", "image/gif", ("gif",), is_image=True)
WEBP = FileType("webp", "image/webp", ("webp",), is_image=True)
TIFF = FileType("tiff", "image/tiff", ("tif", "tiff"))  # print files: kept byte for byte
PDF = FileType("pdf", "application/pdf", ("pdf", "ai"))  # Illustrator saves PDF-compatible
POSTSCRIPT = FileType("eps", "application/postscript", ("eps", "ai", "ps"))
PSD = FileType("psd", "image/vnd.adobe.photoshop", ("psd", "psb"))
CDR = FileType("cdr", "application/vnd.corel-draw", ("cdr",))
INDD = FileType("indd", "application/x-indesign", ("indd",))
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
XLSX = FileType(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
)
PPTX = FileType(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
)
ODT = FileType("odt", "application/vnd.oasis.opendocument.text", ("odt",))
ODS = FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",))
ODP = FileType("odp", "application/vnd.oasis.opendocument.presentation", ("odp",))
DOC = FileType("doc", "application/msword", ("doc",))
XLS = FileType("xls", "application/vnd.ms-excel", ("xls",))
PPT = FileType("ppt", "application/vnd.ms-powerpoint", ("ppt",))

OFFICE_TYPES = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "png", "jpeg", "gif", "webp", "tiff"}
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_INDD_MAGIC = bytes.fromhex("0606edf5d81d46e5bd31efe7fe74b71d")
# Stream names inside an OLE compound file (UTF-16LE directory entries). An .msi
# installer is an OLE file too, so the container alone proves nothing.
_OLE_STREAMS = (
    ("WordDocument".encode("utf-16-le"), DOC),
    ("Workbook".encode("utf-16-le"), XLS),
    ("Book".encode("utf-16-le") + b"\x00\x00", XLS),  # Excel 5/95
    ("PowerPoint Document".encode("utf-16-le"), PPT),
)
_ZIP_MAGIC = b"PK\x03\x04"
_ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "PULT_MAX_UPLOAD_MB", 25)) * 1024 * 1024


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _sniff_zip(stream: IO[bytes]) -> FileType | None:
    # zipfile builds an object per directory entry when it opens the file: a 25 MB
    # upload could name 500,000 of them (seconds of work, 150+ MB), so count first.
    if directory_entries_at_most(stream) > MAX_ZIP_ENTRIES:
        raise refuse(
            _("The file holds too many parts (more than %(max)s); it is not accepted.")
            % {"max": MAX_ZIP_ENTRIES}
        )
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # ODF: the first entry, stored uncompressed, names the document type.
                info = archive.getinfo("mimetype")
                if info.file_size < 200:
                    found = _ODF_TYPES.get(archive.read("mimetype").strip())
                    if found:
                        return found
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
                if any(n.startswith("ppt/") for n in names):
                    return PPTX
            # CorelDRAW X4 and later: a ZIP with the drawing under content/.
            if "content/riffData.cdr" in names or "content/root.dat" in names:
                return CDR
    # RuntimeError: an encrypted "mimetype"; NotImplementedError: an unknown compression.
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError, NotImplementedError):
        return None
    return None


def _sniff_ole(stream: IO[bytes]) -> FileType | None:
    """Look for a Word/Excel/PowerPoint stream name in the compound file's directory."""
    tail = b""
    while chunk := stream.read(1024 * 1024):
        window = tail + chunk
        for marker, file_type in _OLE_STREAMS:
            if marker in window:
                return file_type
        tail = window[-64:]
    return None


def sniff(upload: IO[bytes]) -> FileType | None:
    """The allowed type the bytes are, or None. Raises DomainError for a ZIP whose
    directory is too long to read safely (see _sniff_zip)."""
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head[:6] in (b"GIF87a", b"GIF89a"):
            return GIF
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return WEBP
        if head[:4] == b"RIFF" and head[8:11].lower() == b"cdr":
            return CDR
        if head[:4] in (b"II*\x00", b"MM\x00*"):
            return TIFF
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith((b"%!PS-Adobe", b"\xc5\xd0\xd3\xc6")):
            return POSTSCRIPT
        if head.startswith(b"8BPS"):
            return PSD
        if head.startswith(_INDD_MAGIC):
            return INDD
        if head.startswith(b"PK\x03\x04"):
            return _sniff_zip(upload)
        if head.startswith(_OLE_MAGIC):
            return _sniff_ole(upload)
        return None
    finally:
        upload.seek(0)


@dataclass
class CheckedFile:
    """An accepted upload: what to store and how to name and label it."""

    content: File[bytes]
    file_type: FileType
    original_name: str
    size: int


def _display_name(name: str, file_type: FileType) -> str:
    """The person's file name, with the extension of what the file really is."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*')[:200]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip(". ") or "file"
    ext = _extension(name)
    if ext not in file_type.extensions:
        ext = file_type.extensions[0]
    return f"{stem}.{ext}"


def _reencode(upload: IO[bytes], file_type: FileType) -> bytes:
    """Decode and write the picture again: drops metadata and anything appended to it.

    Not `pult.core.uploads.validated_image`: that one shrinks to avatar size and
    re-compresses hard; a layout must keep its full size and quality.
    """
    try:
        image = Image.open(upload)
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise refuse(_("The picture is too large (more than 80 megapixels)."))
        frames = getattr(image, "n_frames", 1)
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise refuse(_("The picture is damaged and cannot be read.")) from error
    icc = image.info.get("icc_profile")
    buffer = io.BytesIO()
    if file_type is GIF:
        # Keep animation: every frame is decoded and written again.
        image.seek(0)
        image.save(buffer, format="GIF", save_all=frames > 1, loop=image.info.get("loop", 0))
        return buffer.getvalue()
    clean = ImageOps.exif_transpose(image) or image  # keep the orientation the EXIF said
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if file_type is JPEG:
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(buffer, format="JPEG", quality=95, subsampling=0, **options)
    elif file_type is WEBP:
        clean.save(buffer, format="WEBP", quality=95, **options)
    else:
        clean.save(buffer, format="PNG", optimize=True, **options)
    return buffer.getvalue()


def check_upload(
    upload: UploadedFile,
    *,
    allowed: frozenset[str] | None = None,
    allowed_hint: str | Promise = ALLOWED_HINT,
) -> CheckedFile:
    """Accept an upload by its content and size, or raise a DomainError naming the problem.

    `allowed` narrows the accepted types to these `FileType.key`s (e.g. OFFICE_TYPES);
    `allowed_hint` is what the refusal tells the person to upload instead.
    Nothing is written anywhere: the caller stores `content` once all checks passed.
    """
    limit = max_upload_bytes()
    size = upload.size if upload.size is not None else 0
    if not size:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    if size == 0:
        raise refuse(_("The file is empty."))
    if size > limit:
        raise refuse(
            _("The file is too large: %(size)s MB, at most %(limit)s MB.")
            % {"size": f"{size / (1024 * 1024):.1f}", "limit": limit // (1024 * 1024)}
        )
    file_type = sniff(upload)
    if file_type is None or (allowed is not None and file_type.key not in allowed):
        raise refuse(
            _("“%(name)s” is not a file type we accept. Upload %(allowed)s.")
            % {"name": (upload.name or "")[:100], "allowed": allowed_hint}
        )
    name = _display_name(upload.name or "", file_type)
    if file_type.is_image:
        data = _reencode(upload, file_type)
        if len(data) > limit:
            raise refuse(_("The file is too large."))
        return CheckedFile(ContentFile(data), file_type, name, len(data))
    # Containers are checked as what they claim to be (the ZIP-based kinds by their parts).
    if file_type is PDF:
        check_pdf(upload, size)
    elif upload.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC:
        check_archive(upload, file_type.key, size)
    upload.seek(0)
    return CheckedFile(upload, file_type, name, size)


def thumbnail_of(content: IO[bytes]) -> tuple[bytes, str] | None:
    """A square THUMBNAIL_SIDE px preview, the picture centred on a plain background
    (so lists can reserve the box without knowing each picture's shape): PNG when the
    picture has transparency, else JPEG. None when Pillow cannot draw the file."""
    content.seek(0)
    image: Image.Image
    try:
        opened = Image.open(content)
        if opened.width * opened.height > MAX_IMAGE_PIXELS:
            return None
        opened.draft("RGB", (THUMBNAIL_SIDE * 2, THUMBNAIL_SIDE * 2))  # JPEG: decode smaller
        image = ImageOps.exif_transpose(opened) or opened
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        image = image.convert("RGBA" if transparent else "RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        return None
    finally:
        content.seek(0)
    side = (THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    if transparent:
        canvas = Image.new("RGBA", side, (0, 0, 0, 0))
    else:
        canvas = Image.new("RGB", side, "white")
    offset = ((THUMBNAIL_SIDE - image.width) // 2, (THUMBNAIL_SIDE - image.height) // 2)
    canvas.paste(image, offset, image if transparent else None)
    buffer = io.BytesIO()
    if transparent:
        canvas.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue(), "png"
    canvas.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue(), "jpg"
