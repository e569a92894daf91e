"""Versioned, private documents of contracts and orders (P2): numbering under races,
bad files refused with nothing stored, who sees and who may upload, the pages and
their downloads, flat query counts."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from django.test import Client as HttpClient
from django.urls import reverse

from pult.activity.models import Event
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.documents import document_selectors as selectors
from pult.documents import document_services as services
from pult.documents.models import Document, DocumentVersion
from pult.parties.models import Contract
from tests.conftest import login
from tests.documents.conftest import (
    _ooxml,
    exe_bytes,
    image_bytes,
    ole_bytes,
    pdf_bytes,
    stored_files,
    upload,
    xlsx_bytes,
)
from tests.documents.p2_fixtures import Firm, firm  # noqa: F401
from tests.work.conftest import Desk, desk  # noqa: F401

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _bytes(version: DocumentVersion) -> bytes:
    with version.file.open("rb") as handle:
        return handle.read()


# --- Versions ----------------------------------------------------------------------


def test_versions_are_numbered_from_one_and_the_newest_is_current(
    firm: Firm,  # noqa: F811
    media_root: Path,
) -> None:
    document = firm.add(contract=firm.contract, name="Договор поставки.docx", data=_docx())
    assert document.title == "Договор поставки"  # from the file name
    assert document.current_version == 1
    second = firm.version(document, name="signed.pdf", note="signed by the client")
    third = firm.version(document, name="scan.png", data=image_bytes("PNG"))
    document.refresh_from_db()
    assert document.current_version == 3 == third.number and second.number == 2
    versions = list(document.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.content_type for v in versions] == [DOCX, "application/pdf", "image/png"]
    assert versions[1].note == "signed by the client"
    assert [v.uploaded_by_id for v in versions] == [firm.manager.pk] * 3
    # Private storage, random names in the workspace's folder: the person's name is not
    # on disk, and every version keeps its own file.
    for version in versions:
        assert version.file.name.startswith(f"documents/{firm.workspace.pk}/versions/")
        assert "signed" not in version.file.name and "Договор" not in version.file.name
        assert Path(version.file.path).is_relative_to(media_root)
    assert _bytes(versions[1]) == pdf_bytes()
    assert len(stored_files(media_root)) == 3
    # The client's timeline tells it, with the contract's number.
    verbs = list(
        Event.objects.filter(target_id=firm.client.pk, verb__startswith="documents.")
        .order_by("pk")
        .values_list("verb", "payload__number", "payload__contract")
    )
    assert verbs == [
        ("documents.contract_document_added", 1, "C-2026/7"),
        ("documents.contract_document_version_added", 2, "C-2026/7"),
        ("documents.contract_document_version_added", 3, "C-2026/7"),
    ]


def test_order_documents_are_recorded_on_the_order(firm: Firm) -> None:  # noqa: F811
    item = firm.order()
    document = firm.add(item=item, name="spec.xlsx", data=xlsx_bytes(), title="  Spec  sheet ")
    assert document.title == "Spec sheet" and document.item_id == item.pk
    assert document.contract_id is None
    event = Event.objects.get(verb="documents.item_document_added")
    assert event.target_id == item.pk and event.payload["title"] == "Spec sheet"


def test_a_document_belongs_to_exactly_one_contract_or_order(firm: Firm) -> None:  # noqa: F811
    item = firm.order()
    with pytest.raises(DomainError):
        firm.add(contract=firm.contract, item=item)
    with pytest.raises(DomainError):
        firm.add()
    # The database says so too, whatever code writes the row.
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            workspace=firm.workspace,
            contract=firm.contract,
            item=item,
            title="Both",
            created_by=firm.manager,
        )
    assert not Document.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_get_the_next_two_numbers(firm: Firm) -> None:  # noqa: F811
    """The first upload holds the document's row lock until it commits; the second
    waits for it and numbers after it. Without the lock both would read version 1 and
    the second would fail on the unique number."""
    assert connection.vendor == "postgresql"
    document = firm.add(contract=firm.contract)
    locked = threading.Event()
    numbers: dict[str, int] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                numbers["first"] = firm.version(document, name="first.pdf").number
                locked.set()
                time.sleep(0.5)  # the other upload arrives while this one is open
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
            locked.set()
        finally:
            close_old_connections()
            connection.close()

    def second() -> None:
        try:
            assert locked.wait(timeout=10)
            with transaction.atomic():
                numbers["second"] = firm.version(document, name="second.pdf").number
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert numbers == {"first": 2, "second": 3}
    document.refresh_from_db()
    assert document.current_version == 3
    assert list(document.versions.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        3,
    ]
    assert all(v.file.storage.exists(v.file.name) for v in document.versions.all())


@pytest.mark.django_db(transaction=True)
def test_many_uploads_at_once_never_share_a_number(firm: Firm) -> None:  # noqa: F811
    assert connection.vendor == "postgresql"
    document = firm.add(contract=firm.contract)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def upload_one(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            firm.version(document, name=f"v{n}.pdf")
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=upload_one, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    numbers = sorted(document.versions.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5]
    document.refresh_from_db()
    assert document.current_version == 5


# --- Bad files ---------------------------------------------------------------------


def _docx() -> bytes:
    return _ooxml("word", "document.xml")


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("contract.pdf", exe_bytes(), "not a file type we accept"),  # an .exe renamed .pdf
        ("act.doc", ole_bytes("SummaryInformation"), "not a file type"),  # an .msi is OLE too
        ("deck.pptx", _ooxml("ppt", "presentation.xml"), "not a file type"),  # not an office doc
        ("page.pdf", b"<html><script>alert(1)</script></html>", "not a file type"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_is_stored(
    firm: Firm,  # noqa: F811
    media_root: Path,
    name: str,
    data: bytes,
    problem: str,
) -> None:
    with pytest.raises(DomainError) as refused:
        firm.add(contract=firm.contract, name=name, data=data)
    assert problem in refused.value.message
    assert refused.value.field_errors["file"]
    if data:
        assert "PDF, Word (.doc, .docx), Excel (.xls, .xlsx)" in refused.value.message
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not Event.objects.filter(verb__startswith="documents.").exists()
    assert stored_files(media_root) == []
    # A new version is refused the same way and the document stays as it was.
    document = firm.add(contract=firm.contract)
    with pytest.raises(DomainError) as again:
        firm.version(document, name=name, data=data)
    assert problem in again.value.message
    document.refresh_from_db()
    assert document.current_version == 1 and document.versions.count() == 1
    assert len(stored_files(media_root)) == 1


def test_an_oversized_file_is_refused(firm: Firm, media_root: Path, settings: Any) -> None:  # noqa: F811
    settings.PULT_MAX_UPLOAD_MB = 1
    big = pdf_bytes() + b"0" * (1024 * 1024)
    with pytest.raises(DomainError) as refused:
        firm.add(contract=firm.contract, name="big.pdf", data=big)
    assert "too large" in refused.value.message and "1 MB" in refused.value.message
    assert not Document.objects.exists() and stored_files(media_root) == []


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("old.doc", lambda: ole_bytes("WordDocument"), "application/msword"),
        ("new.docx", _docx, DOCX),
        ("old.xls", lambda: ole_bytes("Workbook"), "application/vnd.ms-excel"),
        (
            "new.xlsx",
            xlsx_bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("scan.pdf", pdf_bytes, "application/pdf"),
        ("photo.jpg", lambda: image_bytes("JPEG"), "image/jpeg"),
        ("photo.png", lambda: image_bytes("PNG"), "image/png"),
    ],
)
def test_office_documents_and_images_are_accepted(
    firm: Firm,  # noqa: F811
    name: str,
    make: Any,
    content_type: str,
) -> None:
    document = firm.add(contract=firm.contract, name=name, data=make())
    version = document.versions.get()
    assert version.content_type == content_type and version.original_name == name


# --- Who sees, who may upload ------------------------------------------------------


def test_who_sees_the_documents(firm: Firm) -> None:  # noqa: F811
    item = firm.order()
    on_contract = firm.add(contract=firm.contract)
    on_order = firm.add(item=item)

    def seen(user: Any, workspace: Any = None) -> set[int]:
        return set(
            selectors.document_visible_to(user, workspace or firm.workspace).values_list(
                "pk", flat=True
            )
        )

    assert seen(firm.manager) == {on_contract.pk, on_order.pk}
    assert seen(firm.viewer) == {on_contract.pk}  # the client base, not the orders
    assert seen(firm.finance) == {on_order.pk}  # every order, not the client base
    assert seen(firm.outsider) == set()
    assert seen(firm.other_manager, firm.other_workspace) == set()
    assert seen(firm.other_manager) == set()  # not a member here


def test_the_orders_manager_may_upload_a_viewer_may_not(firm: Firm) -> None:  # noqa: F811
    # Finance sees every order and edits none; made an order's responsible manager,
    # they may keep its documents.
    theirs = firm.order(manager=firm.finance)
    others = firm.order()
    document = firm.add(item=theirs, actor=firm.finance)
    firm.version(document, actor=firm.finance)
    with pytest.raises(Forbidden):
        firm.add(item=others, actor=firm.finance)
    shared = firm.add(item=others)
    with pytest.raises(Forbidden):
        firm.version(shared, actor=firm.finance)
    # The Manager role (work.manage) may upload to any order.
    firm.version(document, actor=firm.manager)
    # An expert assigned to the order works on it, so may upload too.
    others.assignees.add(firm.expert)
    firm.add(item=others, actor=firm.expert)
    # Contracts: whoever may edit the client; a read-only viewer may not.
    with pytest.raises(Forbidden):
        firm.add(contract=firm.contract, actor=firm.viewer)
    on_contract = firm.add(contract=firm.contract)
    with pytest.raises(Forbidden):
        firm.version(on_contract, actor=firm.viewer)
    # Those who do not see it get NotFound, not Forbidden.
    for outsider in (firm.outsider, firm.finance):
        with pytest.raises(NotFound):
            firm.add(contract=firm.contract, actor=outsider)
        with pytest.raises(NotFound):
            firm.version(on_contract, actor=outsider)
    with pytest.raises(NotFound):
        firm.add(item=others, actor=firm.outsider)
    with pytest.raises(NotFound):
        firm.version(shared, actor=firm.viewer)
    assert DocumentVersion.objects.filter(document=on_contract).count() == 1


def test_another_workspace_cannot_reach_the_documents(firm: Firm) -> None:  # noqa: F811
    document = firm.add(contract=firm.contract)
    stranger = firm.other_manager
    with pytest.raises(NotFound):
        services.document_add(
            actor=stranger,
            workspace=firm.other_workspace,
            upload=upload("x.pdf", pdf_bytes()),
            contract_id=firm.contract.pk,
        )
    with pytest.raises(NotFound):
        services.document_version_add(
            actor=stranger,
            workspace=firm.other_workspace,
            document_id=document.pk,
            upload=upload("x.pdf", pdf_bytes()),
        )
    with pytest.raises(NotFound):
        selectors.document_version_get(
            actor=stranger,
            workspace=firm.other_workspace,
            version_id=document.versions.get().pk,
        )
    assert DocumentVersion.objects.count() == 1


def test_internal_requests_keep_attachments_not_documents(firm: Firm) -> None:  # noqa: F811
    item = firm.order()
    from pult.work.models import Item

    Item.objects.filter(pk=item.pk).update(client=None, contract=None)
    item.refresh_from_db()
    # Still the preset's order type: an order filed before its client was chosen.
    assert firm.add(item=item).pk
    from pult.work.models import ItemType

    ItemType.objects.filter(pk=item.item_type_id).update(key="internal")
    with pytest.raises(DomainError) as refused:
        firm.add(item=item)
    assert "orders and contracts only" in refused.value.message


def test_rename_and_remove(
    firm: Firm,  # noqa: F811
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    document = firm.add(contract=firm.contract)
    firm.version(document)
    renamed = services.document_rename(
        actor=firm.manager, workspace=firm.workspace, document_id=document.pk, title=" Act  №5 "
    )
    assert renamed.title == "Act №5"
    with pytest.raises(DomainError):
        services.document_rename(
            actor=firm.manager, workspace=firm.workspace, document_id=document.pk, title="  "
        )
    with pytest.raises(Forbidden):
        services.document_rename(
            actor=firm.viewer, workspace=firm.workspace, document_id=document.pk, title="Mine"
        )
    with pytest.raises(Forbidden):
        services.document_remove(
            actor=firm.viewer, workspace=firm.workspace, document_id=document.pk
        )
    assert len(stored_files(media_root)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.document_remove(
            actor=firm.manager, workspace=firm.workspace, document_id=document.pk
        )
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert stored_files(media_root) == []
    removed = Event.objects.get(verb="documents.contract_document_removed")
    assert removed.payload["title"] == "Act №5" and removed.target_id == firm.client.pk


# --- Pages and downloads -----------------------------------------------------------


def _as(http: HttpClient, user: Any) -> HttpClient:
    http.logout()
    return login(http, user)


def _contract_page(contract: Contract) -> str:
    return reverse("documents:contract_documents", args=[contract.pk])


def test_contract_page_lists_versions_and_downloads_privately(
    client: HttpClient,
    firm: Firm,  # noqa: F811
) -> None:
    document = firm.add(contract=firm.contract, name="contract.pdf", title="Contract")
    firm.version(document, name="contract-signed.docx", data=_docx(), note="signed")
    versions = list(document.versions.order_by("number"))
    # The client page links each contract to its documents.
    _as(client, firm.viewer)
    card = client.get(reverse("parties:client_detail", args=[firm.client.pk])).content.decode()
    assert _contract_page(firm.contract) in card
    page = client.get(_contract_page(firm.contract))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Contract" in html and "C-2026/7" in html
    assert 'data-current-version="2"' in html and "contract-signed.docx" in html
    assert "signed" in html and "Marina Manager" in html
    for version in versions:
        assert reverse("documents:document_version_download", args=[version.pk]) in html
    # A read-only viewer gets no upload form.
    assert "data-document-form" not in html and "data-version-form" not in html
    first = client.get(reverse("documents:document_version_download", args=[versions[0].pk]))
    assert first.status_code == 200
    assert first["Content-Disposition"].startswith("attachment")
    assert "contract.pdf" in first["Content-Disposition"]
    assert first["X-Content-Type-Options"] == "nosniff"
    assert first["Content-Type"] == "application/pdf"
    assert b"".join(first.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    # The manager gets the forms.
    _as(client, firm.manager)
    html = client.get(_contract_page(firm.contract)).content.decode()
    assert "data-document-form" in html and "data-version-form" in html


@pytest.mark.parametrize("who", ["outsider", "finance", "other_manager"])
def test_outsiders_get_404_on_pages_and_downloads(
    client: HttpClient,
    firm: Firm,  # noqa: F811
    who: str,
) -> None:
    document = firm.add(contract=firm.contract)
    item = firm.order()
    on_order = firm.add(item=item)
    _as(client, getattr(firm, who))
    assert client.get(_contract_page(firm.contract)).status_code == 404
    download = reverse("documents:document_version_download", args=[document.versions.get().pk])
    assert client.get(download).status_code == 404
    posted = client.post(
        reverse("documents:contract_document_add", args=[firm.contract.pk]),
        {"file": upload("x.pdf", pdf_bytes())},
    )
    assert posted.status_code == 404
    posted = client.post(
        reverse("documents:document_version_add", args=[document.pk]),
        {"file": upload("x.pdf", pdf_bytes())},
    )
    assert posted.status_code == 404
    order_download = reverse(
        "documents:document_version_download", args=[on_order.versions.get().pk]
    )
    expected = 200 if who == "finance" else 404  # finance sees every order
    assert client.get(order_download).status_code == expected
    assert DocumentVersion.objects.count() == 2


def test_order_page_shows_the_panel_and_uploads_through_it(
    client: HttpClient,
    firm: Firm,  # noqa: F811
    media_root: Path,
) -> None:
    item = firm.order()
    page = reverse("work:item_detail", args=[item.pk])
    _as(client, firm.manager)
    html = client.get(page).content.decode()
    assert "data-documents" in html and "data-document-form" in html
    # The panel is rendered by a tag, with its own context: the forms still carry CSRF.
    assert "csrfmiddlewaretoken" in html.split("data-document-form", 1)[1].split("</form>")[0]
    added = client.post(
        reverse("documents:item_document_add", args=[item.pk]),
        {"file": upload("spec.pdf", pdf_bytes()), "title": "Specification", "next": page},
        follow=True,
    )
    assert added.status_code == 200
    html = added.content.decode()
    assert "The document Specification has been added." in html
    document = Document.objects.get(item=item)
    assert 'data-current-version="1"' in html and "spec.pdf" in html
    # A new version through htmx: the panel comes back with version 2.
    swapped = client.post(
        reverse("documents:document_version_add", args=[document.pk]),
        {"file": upload("spec-v2.pdf", pdf_bytes()), "note": "fixed a typo", "next": page},
        HTTP_HX_REQUEST="true",
    )
    assert swapped.status_code == 200
    assert 'data-current-version="2"' in swapped.content.decode()
    assert "fixed a typo" in swapped.content.decode()
    # A disguised executable: refused inline with the reason, nothing stored.
    files_before = len(stored_files(media_root))
    refused = client.post(
        reverse("documents:document_version_add", args=[document.pk]),
        {"file": upload("virus.pdf", exe_bytes()), "next": page},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 200
    assert "is not a file type we accept" in refused.content.decode()
    assert 'role="alert"' in refused.content.decode()
    refused = client.post(
        reverse("documents:item_document_add", args=[item.pk]),
        {"file": upload("virus.pdf", exe_bytes()), "next": page},
        follow=True,
    )
    assert "is not a file type we accept" in refused.content.decode()
    assert Document.objects.count() == 1 and DocumentVersion.objects.count() == 2
    assert len(stored_files(media_root)) == files_before
    # Finance sees the order and its documents, without the forms.
    _as(client, firm.finance)
    html = client.get(page).content.decode()
    assert "spec-v2.pdf" in html and "data-version-form" not in html
    assert "data-document-form" not in html
    assert (
        client.post(
            reverse("documents:document_version_add", args=[document.pk]),
            {"file": upload("mine.pdf", pdf_bytes())},
            follow=True,
        ).status_code
        == 200
    )
    assert DocumentVersion.objects.count() == 2  # refused: "You may not upload…"


def test_design_requests_show_no_documents_panel(client: HttpClient, desk: Desk) -> None:  # noqa: F811
    item = desk.submit()
    _as(client, desk.head)
    html = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assert "data-documents" not in html
    posted = client.post(
        reverse("documents:item_document_add", args=[item.pk]),
        {"file": upload("x.pdf", pdf_bytes())},
    )
    assert posted.status_code == 404
    assert not Document.objects.exists()


# --- Query counts ------------------------------------------------------------------


def _fill(firm: Firm, *, contract: Contract | None = None, item: Any = None, n: int) -> None:  # noqa: F811
    for i in range(n):
        document = firm.add(contract=contract, item=item, name=f"doc{i}.pdf")
        firm.version(document, name=f"doc{i}-v2.pdf")
        firm.version(document, actor=firm.manager2, name=f"doc{i}-v3.pdf")


def test_query_counts_stay_flat(
    client: HttpClient,
    firm: Firm,  # noqa: F811
    django_assert_max_num_queries: Any,
) -> None:
    item = firm.order()
    urls = [
        _contract_page(firm.contract),
        reverse("work:item_detail", args=[item.pk]),
        reverse("parties:client_detail", args=[firm.client.pk]),
    ]
    _fill(firm, contract=firm.contract, n=1)
    _fill(firm, item=item, n=1)
    _as(client, firm.manager)
    small: dict[str, int] = {}
    for url in urls:
        client.get(url)  # warm per-process caches
        with django_assert_max_num_queries(60) as captured:
            assert client.get(url).status_code == 200
        small[url] = len(captured.captured_queries)
    # More documents, more versions by more people, more contracts with documents.
    _fill(firm, contract=firm.contract, n=4)
    _fill(firm, item=item, n=4)
    second = Contract.objects.create(workspace=firm.workspace, client=firm.client, number="C-2")
    _fill(firm, contract=second, n=2)
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            assert client.get(url).status_code == 200
    html = client.get(urls[0]).content.decode()
    assert html.count("data-document=") == 5
