"""Issue 12, item 5: archive bombs and disguised archives are refused as what they claim
to be. Every file here is a real one, built in the test: ZIPs written with zipfile (the
400 MB bomb streamed in 1 MB chunks, so it costs a second, not 400 MB of memory)."""

from __future__ import annotations

import functools
import io
import random
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from pult.activity.models import Event
from pult.api.services import api_token_create
from pult.core.exceptions import DomainError
from pult.documents import services
from pult.documents.containers import MAX_UNPACKED_BYTES, MAX_ZIP_ENTRIES, PACKING_RATIO_FROM
from pult.documents.files import check_upload
from pult.documents.models import Attachment, Document, DocumentVersion, Material
from tests.conftest import login
from tests.documents.conftest import (
    exe_bytes,
    odt_bytes,
    pdf_bytes,
    stored_files,
    upload,
    xlsx_bytes,
)
from tests.documents.p2_fixtures import Firm, firm  # noqa: F401  (the fixture)
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def _document_xml(text: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )


def docx_bytes(
    extra: dict[str, bytes] | None = None, *, main: bool = True, text: str = "Договор"
) -> bytes:
    """A minimal real .docx (what Word needs to open it: python-docx is not installed),
    plus `extra` parts; `main=False` leaves out word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        if main:
            archive.writestr("word/document.xml", _document_xml(text))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zeros_entry(archive: zipfile.ZipFile, name: str, megabytes: int) -> None:
    """Write `megabytes` MB of zeros into one deflated entry, a megabyte at a time."""
    chunk = bytes(MB)
    with archive.open(name, "w") as part:
        for _ in range(megabytes):
            part.write(chunk)


@functools.cache
def bomb_docx() -> bytes:
    """The attacker's file: ~400 KB that unpacks to 400 MB, otherwise a proper .docx."""
    buffer = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        _zeros_entry(archive, "word/media/image1.png", 400)
    return buffer.getvalue()


def crowded_docx(entries: int = 20_000) -> bytes:
    """20,000 empty parts under word/ and no word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        for number in range(entries):
            archive.writestr(f"word/media/image{number}.png", b"")
    return buffer.getvalue()


def many_megabytes_docx(parts: int = 120) -> bytes:
    """Parts of exactly 1 MB each (so the ratio rule does not apply), 120 MB in all."""
    buffer = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        for number in range(parts):
            _zeros_entry(archive, f"word/media/image{number}.bin", 1)
    return buffer.getvalue()


def encrypted_docx() -> bytes:
    """A .docx whose parts carry the ZIP "encrypted" flag (zipfile cannot write real
    ZipCrypto, and the flag is what every reader goes by)."""
    data = bytearray(docx_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        data[at + 8] |= 0x01  # general purpose flags of the central directory entry
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def text_heavy_docx() -> bytes:
    """A long real document: a 3 MB word/document.xml of varied text (packs ~3:1)."""
    rng = random.Random(12)
    words = ["договор", "поставка", "акт", "счёт", "оплата", "срок", "сторона", "цена"]
    text = " ".join(f"{rng.choice(words)}{rng.randrange(10**6)}" for _ in range(300_000))
    return docx_bytes(text=text)


def _html_pdf(doctype: bytes = b"<html>") -> bytes:
    return b"%PDF-1.7\n" + doctype + b"<script>alert(document.cookie)</script></html>\n%%EOF\n"


REFUSED: dict[str, tuple[str, Any, str]] = {
    # case: (file name, bytes factory, words of the message)
    "bomb": ("report.docx", bomb_docx, "archive bomb"),
    "crowded": ("report.docx", crowded_docx, f"too many parts (more than {MAX_ZIP_ENTRIES})"),
    "unpacks_too_large": (
        "report.docx",
        many_megabytes_docx,
        f"unpacks to more than {MAX_UNPACKED_BYTES // MB} MB",
    ),
    "no_document_part": (
        "report.docx",
        lambda: docx_bytes({"word/styles.xml": b"<w:styles/>"}, main=False),
        "not a real Word file: the part “word/document.xml” is missing",
    ),
    "xlsx_without_workbook": (
        "prices.xlsx",
        lambda: _bare_zip({"[Content_Types].xml": b"<Types/>", "xl/styles.xml": b"<s/>"}),
        "not a real Excel file: the part “xl/workbook.xml” is missing",
    ),
    "pptx_without_presentation": (
        "deck.pptx",
        lambda: _bare_zip({"[Content_Types].xml": b"<Types/>", "ppt/slides/s1.xml": b"<s/>"}),
        "not a real PowerPoint file",
    ),
    "odt_without_content": (
        "texts.odt",
        lambda: _bare_zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
        "not a real OpenDocument file: the part “content.xml” is missing",
    ),
    "exe_inside": (
        "report.docx",
        lambda: docx_bytes({"payload/evil.exe": exe_bytes()}),
        "program or script (“payload/evil.exe”)",
    ),
    "script_inside": (
        "prices.xlsx",
        lambda: _add_parts(xlsx_bytes(), {"xl/media/run.JS": b"WScript.Shell"}),
        "program or script",
    ),
    "macros": (
        "report.docx",
        lambda: docx_bytes({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        "contains macros",
    ),
    "climbing_path": (
        "report.docx",
        lambda: docx_bytes({"../../etc/cron.d/evil": b"* * * * * root sh"}),
        "unsafe path (“../../etc/cron.d/evil”)",
    ),
    "absolute_path": (
        "report.docx",
        lambda: docx_bytes({"/etc/passwd": b"root:x:0:0"}),
        "unsafe path",
    ),
    "encrypted": ("report.docx", encrypted_docx, "encrypted"),
    "html_as_pdf": ("invoice.pdf", _html_pdf, "claims to be a PDF but is a web page"),
    "doctype_as_pdf": (
        "invoice.pdf",
        lambda: _html_pdf(b"<!DOCTYPE HTML><HTML>"),
        "claims to be a PDF but is a web page",
    ),
    "pdf_without_end": (
        "invoice.pdf",
        lambda: pdf_bytes().replace(b"%%EOF", b"") + b"x" * 2048,
        "no end-of-file marker",
    ),
}


def _bare_zip(parts: dict[str, bytes]) -> bytes:
    """A ZIP of exactly these parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _add_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    return buffer.getvalue()


# --- The check itself -------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_check_upload_refuses_with_a_message_on_the_file_field(case: str) -> None:
    name, make, words = REFUSED[case]
    with pytest.raises(DomainError) as refused:
        check_upload(upload(name, make()))
    assert words in refused.value.message
    assert refused.value.field_errors == {"file": [refused.value.message]}


def test_the_bomb_is_small_and_would_unpack_to_400_mb() -> None:
    """The test's bomb is the attacker's: a few hundred KB, 400 MB when unpacked."""
    data = bomb_docx()
    assert len(data) < 1 * MB
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 400 * MB


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("Договор.docx", docx_bytes, DOCX_TYPE),
        ("long.docx", text_heavy_docx, DOCX_TYPE),  # a 3 MB part that packs ~3:1 is fine
        (
            "prices.xlsx",
            xlsx_bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("texts.odt", odt_bytes, "application/vnd.oasis.opendocument.text"),
        ("brief.pdf", pdf_bytes, "application/pdf"),
        # A picture of 1 MB that barely packs (what a photo in a report looks like).
        (
            "photos.docx",
            lambda: docx_bytes({"word/media/photo.jpg": random.Random(1).randbytes(MB + 1)}),
            DOCX_TYPE,
        ),
    ],
)
def test_real_documents_still_pass(name: str, make: Any, content_type: str) -> None:
    data = make()
    checked = check_upload(upload(name, data))
    assert checked.file_type.content_type == content_type
    assert checked.size == len(data) and checked.original_name == name
    checked.content.seek(0)
    assert checked.content.read() == data  # kept byte for byte


def test_a_small_part_may_pack_tightly_and_the_ratio_rule_starts_above_it() -> None:
    """Styles and empty sheets pack far better than 100:1 and are harmless at that size;
    the same packing on a part over PACKING_RATIO_FROM is a bomb."""
    small = docx_bytes({"word/styles.xml": bytes(PACKING_RATIO_FROM)})
    assert check_upload(upload("ok.docx", small)).file_type.key == "docx"
    big = docx_bytes({"word/styles.xml": bytes(PACKING_RATIO_FROM + 1)})
    with pytest.raises(DomainError, match="archive bomb"):
        check_upload(upload("bomb.docx", big))


# --- Through the services: nothing stored ----------------------------------------------


@pytest.mark.parametrize("case", ["bomb", "crowded", "exe_inside", "html_as_pdf"])
def test_an_attachment_is_refused_and_nothing_is_stored(
    desk: Desk, media_root: Path, case: str
) -> None:
    name, make, words = REFUSED[case]
    item = desk.submit()
    with pytest.raises(DomainError) as refused:
        services.attachment_add(
            actor=desk.applicant,
            workspace=desk.workspace,
            item_id=item.pk,
            upload=upload(name, make()),
            kind="input",
        )
    assert words in refused.value.message and refused.value.field_errors["file"]
    assert not Attachment.objects.exists()
    assert not Event.objects.filter(verb="documents.attachment_added").exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("case", ["bomb", "no_document_part", "macros", "html_as_pdf"])
def test_a_contract_document_is_refused_and_nothing_is_stored(
    firm: Firm,  # noqa: F811
    media_root: Path,
    case: str,
) -> None:
    name, make, words = REFUSED[case]
    with pytest.raises(DomainError) as refused:
        firm.add(contract=firm.contract, name=name, data=make())
    assert words in refused.value.message
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert stored_files(media_root) == []
    # A good .docx is still taken, and a bad next version leaves it as it was.
    document = firm.add(contract=firm.contract, name="Договор.docx", data=docx_bytes())
    assert document.versions.get().content_type == DOCX_TYPE
    with pytest.raises(DomainError):
        firm.version(document, name=name, data=make())
    document.refresh_from_db()
    assert document.current_version == 1 and len(stored_files(media_root)) == 1


# --- Over HTTP ---------------------------------------------------------------------------


def test_the_attachment_upload_page_refuses_a_bomb(
    desk: Desk, client: Client, media_root: Path
) -> None:
    """The item page's upload: a plain post is redirected back with the message; htmx
    gets the files partial with the message inline (htmx swaps 2xx answers only)."""
    item = desk.submit()
    login(client, desk.applicant)
    url = f"/items/{item.pk}/files/"
    page = client.post(
        url, {"file": upload("report.docx", bomb_docx()), "kind": "input"}, follow=True
    )
    assert page.status_code == 200 and "this is an archive bomb" in page.content.decode()
    htmx: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
    partial = client.post(
        url, {"file": upload("report.docx", bomb_docx()), "kind": "input"}, **htmx
    )
    assert "this is an archive bomb" in partial.content.decode()
    assert "HX-Trigger" not in partial  # nothing changed on the page
    assert not Attachment.objects.exists() and stored_files(media_root) == []
    done = client.post(url, {"file": upload("Договор.docx", docx_bytes()), "kind": "input"}, **htmx)
    assert done.status_code == 200 and "Договор.docx" in done.content.decode()
    assert Attachment.objects.get().content_type == DOCX_TYPE


def test_the_material_upload_page_answers_400(
    docs_desk: Desk, client: Client, media_root: Path
) -> None:
    category = services.material_category_create(
        actor=docs_desk.head, workspace=docs_desk.workspace, name="Templates"
    )
    login(client, docs_desk.designer)
    data = {"title": "Template", "category": category.pk, "tags": "", "brand": ""}
    for name, make, words in (REFUSED["exe_inside"], REFUSED["html_as_pdf"]):
        refused = client.post("/materials/new/", {**data, "file": upload(name, make())})
        assert refused.status_code == 400 and words in refused.content.decode()
    assert not Material.objects.exists() and stored_files(media_root) == []


def test_the_api_answers_400_with_the_field_error(
    desk: Desk, client: Client, media_root: Path
) -> None:
    item = desk.submit()
    _token, raw = api_token_create(actor=desk.applicant, workspace=desk.workspace, name="t")
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/items/{item.pk}/attachments"
    refused = client.post(url, {"file": upload("report.docx", bomb_docx())}, **auth)
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert "archive bomb" in error["message"] and error["fields"]["file"] == [error["message"]]
    assert not Attachment.objects.exists() and stored_files(media_root) == []
