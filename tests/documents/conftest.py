"""The design desk of tests/work, with the documents permissions given to its roles,
and real files of every kind the documents app accepts (or must refuse)."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from pult.access.models import RolePermission
from pult.documents.permissions import MANAGE_KNOWLEDGE, MANAGE_MATERIALS
from tests.work.conftest import Desk, desk  # noqa: F401  (the fixture, shared)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Where uploads land in this test (tests/conftest.py points storage here)."""
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def docs_desk(desk: Desk) -> Desk:  # noqa: F811
    """The preset lets the head write the knowledge base, and the head and designers
    keep the materials; the tests rely on that."""
    granted = set(
        RolePermission.objects.filter(role__workspace=desk.workspace).values_list(
            "role__name", "code"
        )
    )
    assert {
        ("Marketing head", MANAGE_KNOWLEDGE),
        ("Marketing head", MANAGE_MATERIALS),
        ("Designer", MANAGE_MATERIALS),
    } <= granted
    return desk


# --- Real files ------------------------------------------------------------------


def image_bytes(fmt: str, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "red").save(buffer, format=fmt)
    return buffer.getvalue()


_PDF = io.BytesIO()
Image.new("RGB", (20, 20), "blue").save(_PDF, format="PDF")


def pdf_bytes() -> bytes:
    """A real one-page PDF (the same bytes every call)."""
    return _PDF.getvalue()


def _ooxml(folder: str, main: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(f"{folder}/{main}", "<document/>")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    book = Workbook()
    book.active["A1"] = "Menu"  # type: ignore[index]
    book.save(buffer)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def ole_bytes(stream_name: str) -> bytes:
    """An OLE compound file header plus a directory entry naming the stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entry = stream_name.encode("utf-16-le") + b"\x00\x00"
    entry = entry.ljust(64, b"\x00") + struct.pack("<H", len(stream_name) * 2 + 2)
    return header + entry.ljust(128, b"\x00") + b"\x00" * 1024


def psd_bytes() -> bytes:
    return b"8BPS\x00\x01" + b"\x00" * 6 + b"\x00\x03" + b"\x00" * 200


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00" + b"\x90" * 400


ALLOWED_FILES: dict[str, tuple[str, Any, str]] = {
    # key: (file name, bytes factory, content type we store)
    "png": ("logo.png", lambda: image_bytes("PNG"), "image/png"),
    "jpeg": ("photo.jpg", lambda: image_bytes("JPEG"), "image/jpeg"),
    "gif": ("anim.gif", lambda: image_bytes("GIF"), "image/gif"),
    "webp": ("banner.webp", lambda: image_bytes("WEBP"), "image/webp"),
    "pdf": ("brief.pdf", pdf_bytes, "application/pdf"),
    "docx": (
        "texts.docx",
        lambda: _ooxml("word", "document.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "prices.xlsx",
        xlsx_bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pptx": (
        "deck.pptx",
        lambda: _ooxml("ppt", "presentation.xml"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": ("texts.odt", odt_bytes, "application/vnd.oasis.opendocument.text"),
    "doc": ("old.doc", lambda: ole_bytes("WordDocument"), "application/msword"),
    "xls": ("old.xls", lambda: ole_bytes("Workbook"), "application/vnd.ms-excel"),
    "psd": ("layout.psd", psd_bytes, "image/vnd.adobe.photoshop"),
    "ai": ("logo.ai", pdf_bytes, "application/pdf"),
    "eps": (
        "logo.eps",
        lambda: b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",
        "application/postscript",
    ),
}


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
