"""What a container may hold: an Office or OpenDocument file must hold its main parts and
nothing that runs, and must not unpack to more than a document would (an "archive
bomb"); a PDF must end like one and must not be a web page behind a "%PDF-" prefix.
The ZIP's directory is read, nothing is unpacked. `files.check_upload` calls these once
it knows what the bytes claim to be."""

from __future__ import annotations

import re
import zipfile
from typing import IO

from django.utils.translation import gettext as _

from pult.core.exceptions import DomainError

# --- What a ZIP-based file (Office, OpenDocument, CorelDRAW) may hold ---------------------
# Judged from the ZIP's directory alone. Its declared sizes are what any reader unpacks:
# zipfile stops at them and checks the CRC, so bounding them bounds the real cost.
# A long report with many pictures has a few hundred parts; 20,000 is an attack on parsers.
MAX_ZIP_ENTRIES = 2_000
# Real documents unpack to a few times their packed size (uploads: 25 MB by default).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# XML packs 5-20 to 1; zeros pack 1000 to 1. A big part packed this tightly is a bomb.
MAX_PACKING_RATIO = 100
# Parts below this may pack tighter (empty sheets, styles): they cost nothing to unpack.
PACKING_RATIO_FROM = 1024 * 1024
# Programs and scripts that a mail client, an unpacker or a double click would run.
_PROGRAMS = (".exe", ".dll", ".com", ".scr", ".pif", ".cpl", ".msi", ".lnk", ".jar")
_SCRIPTS = (".bat", ".cmd", ".js", ".vbs", ".vbe", ".wsf", ".hta", ".ps1", ".sh")
EXECUTABLE_SUFFIXES = _PROGRAMS + _SCRIPTS
# A PDF reader looks for the end-of-file marker in the last kilobyte (Acrobat's own rule).
PDF_TAIL_BYTES = 1024
# A web page with a "%PDF-" prefix is still a page to a browser that sniffs it; a real
# PDF's first kilobyte is its header and first objects, never HTML.
PDF_HEAD_BYTES = 1024
_WEB_MARKERS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<iframe")
# The parts a file of each ZIP-based kind cannot be without; its name says what it claims.
_REQUIRED_PARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "docx": ("Word", ("[Content_Types].xml", "word/document.xml")),
    "xlsx": ("Excel", ("[Content_Types].xml", "xl/workbook.xml")),
    "pptx": ("PowerPoint", ("[Content_Types].xml", "ppt/presentation.xml")),
    "odt": ("OpenDocument", ("mimetype", "content.xml")),
    "ods": ("OpenDocument", ("mimetype", "content.xml")),
    "odp": ("OpenDocument", ("mimetype", "content.xml")),
}
# .docx/.xlsx/.pptx are the macro-free formats (.docm/.xlsm/.pptm are not accepted);
# Office keeps VBA macros in this part.
_MACRO_FREE = frozenset({"docx", "xlsx", "pptx"})
_MACRO_PART = "vbaproject.bin"
# Every entry of a ZIP's central directory starts with this, and zipfile checks it.
_DIRECTORY_ENTRY = b"PK\x01\x02"
_DRIVE = re.compile(r"^[A-Za-z]:")


def refuse(message: str) -> DomainError:
    """A refusal of the uploaded file, shown next to the form's file field."""
    return DomainError(message, field_errors={"file": [message]})


def directory_entries_at_most(stream: IO[bytes]) -> int:
    """An upper bound on the entries zipfile would parse, without parsing them: every
    directory entry starts with _DIRECTORY_ENTRY (zipfile refuses one that does not), so
    none is missed; the signature turning up by chance in packed data only loosens it."""
    stream.seek(0)
    count, tail = 0, b""
    while chunk := stream.read(1024 * 1024):
        window = tail + chunk
        count += window.count(_DIRECTORY_ENTRY)
        tail = window[-(len(_DIRECTORY_ENTRY) - 1) :]  # too short to be counted twice
    stream.seek(0)
    return count


def _unsafe_path(name: str) -> bool:
    """Absolute (/x, \\x, C:x) or climbing out (..): a careless unpacker writes it
    outside its folder."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or bool(_DRIVE.match(name)) or ".." in parts


def check_archive(upload: IO[bytes], kind_key: str, size: int) -> None:
    """Refuse a ZIP-based file that is not what it claims to be, or that would be
    dangerous or ruinous to open. Reads the directory only; nothing is unpacked."""
    damaged = _("The file is damaged and cannot be read.")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise refuse(damaged) from error
    finally:
        upload.seek(0)
    names = {entry.filename for entry in entries}  # at most MAX_ZIP_ENTRIES: see _sniff_zip
    # Two parts of one name: readers disagree about which is the document.
    if len(names) != len(entries):
        raise refuse(damaged)
    kind, required = _REQUIRED_PARTS.get(kind_key, ("", ()))
    for part in required:
        if part not in names:
            raise refuse(
                _("This is not a real %(kind)s file: the part “%(part)s” is missing.")
                % {"kind": kind, "part": part}
            )
    packed = unpacked = 0
    for entry in entries:
        name = entry.filename
        shown = {"part": name[:100]}
        if _unsafe_path(name):
            raise refuse(
                _("The file contains a part with an unsafe path (“%(part)s”); it is not accepted.")
                % shown
            )
        if entry.flag_bits & 0x1:  # the ZIP "encrypted" flag
            raise refuse(_("The file is encrypted; remove the password and upload it again."))
        lower = name.lower()
        if lower.endswith(EXECUTABLE_SUFFIXES):
            raise refuse(
                _("The file carries a program or script (“%(part)s”); it is not accepted.") % shown
            )
        if kind_key in _MACRO_FREE and lower.rsplit("/", 1)[-1] == _MACRO_PART:
            raise refuse(
                _(
                    "The file contains macros. Save it without macros (as .docx, .xlsx or "
                    ".pptx) and upload it again."
                )
            )
        if (
            entry.file_size > PACKING_RATIO_FROM
            and entry.file_size > entry.compress_size * MAX_PACKING_RATIO
        ):
            raise refuse(
                _(
                    "The part “%(part)s” unpacks to more than %(ratio)s times its packed "
                    "size: this is an archive bomb, not a document."
                )
                % {**shown, "ratio": MAX_PACKING_RATIO}
            )
        # Cheap to verify: a stored (unpacked) part is as long as it says.
        if entry.compress_type == zipfile.ZIP_STORED and entry.compress_size != entry.file_size:
            raise refuse(damaged)
        packed += entry.compress_size
        unpacked += entry.file_size
    # A directory that claims more packed bytes than the file holds is lying.
    if packed > size:
        raise refuse(damaged)
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(
            _("The file unpacks to more than %(max)s MB; it is not accepted.")
            % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )


def check_pdf(upload: IO[bytes], size: int) -> None:
    """Refuse a "PDF" that is a web page or script behind the magic number, or that does
    not end like a PDF (a reader would not open it, a browser might render it)."""
    upload.seek(0)
    head = upload.read(PDF_HEAD_BYTES).lower()
    upload.seek(max(size - PDF_TAIL_BYTES, 0))
    tail = upload.read(PDF_TAIL_BYTES)
    upload.seek(0)
    if any(marker in head for marker in _WEB_MARKERS):
        raise refuse(
            _("The file claims to be a PDF but is a web page or a script; it is not accepted.")
        )
    if b"%%EOF" not in tail:
        raise refuse(_("The PDF is incomplete or damaged: it has no end-of-file marker."))
