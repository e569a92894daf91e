"""Contract and order documents over the API: the same services and selectors as the
pages; what the caller may not see is 404, what they may not change 403."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client as HttpClient

from pult.api.services import api_token_create
from pult.documents.models import Document, DocumentVersion
from tests.documents.conftest import (  # noqa: F401  (media_root: the fixture)
    exe_bytes,
    image_bytes,
    media_root,
    pdf_bytes,
    stored_files,
    upload,
)
from tests.documents.p2_fixtures import Firm, firm  # noqa: F401

pytestmark = pytest.mark.django_db


def _bearer(user: Any, workspace: Any) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, workspace=workspace, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_manager_keeps_contract_documents(
    client: HttpClient,
    firm: Firm,  # noqa: F811
) -> None:
    auth = _bearer(firm.manager, firm.workspace)
    base = f"/api/v1/contracts/{firm.contract.pk}/documents"
    assert client.get(base, **auth).json() == []
    created = client.post(
        base, {"file": upload("contract.pdf", pdf_bytes()), "title": "Contract"}, **auth
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["title"] == "Contract" and data["contract"] == firm.contract.pk
    assert data["item"] is None and data["current_version"] == 1
    assert [v["number"] for v in data["versions"]] == [1]
    doc_id = data["id"]
    version = client.post(
        f"/api/v1/documents/{doc_id}/versions",
        {"file": upload("scan.png", image_bytes("PNG")), "note": "signed"},
        **auth,
    )
    assert version.status_code == 201, version.content
    assert version.json()["number"] == 2 and version.json()["content_type"] == "image/png"
    assert version.json()["note"] == "signed"
    listed = client.get(base, **auth).json()
    assert [d["id"] for d in listed] == [doc_id]
    assert listed[0]["current_version"] == 2
    assert [v["number"] for v in listed[0]["versions"]] == [2, 1]  # newest first
    first = listed[0]["versions"][1]
    download = client.get(first["download_url"], **auth)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    renamed = client.patch(
        f"/api/v1/documents/{doc_id}", {"title": "Signed contract"}, "application/json", **auth
    )
    assert renamed.status_code == 200 and renamed.json()["title"] == "Signed contract"
    assert client.delete(f"/api/v1/documents/{doc_id}", **auth).status_code == 204
    assert not Document.objects.exists()


def test_order_documents_and_bad_files(
    client: HttpClient,
    firm: Firm,  # noqa: F811
    media_root: Path,  # noqa: F811
) -> None:
    item = firm.order()
    auth = _bearer(firm.manager, firm.workspace)
    base = f"/api/v1/items/{item.pk}/documents"
    refused = client.post(base, {"file": upload("contract.pdf", exe_bytes())}, **auth)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert "not a file type we accept" in error["message"] and error["fields"]["file"]
    assert not Document.objects.exists() and stored_files(media_root) == []
    created = client.post(base, {"file": upload("spec.pdf", pdf_bytes())}, **auth)
    assert created.status_code == 201
    assert created.json()["title"] == "spec" and created.json()["item"] == item.pk
    doc_id = created.json()["id"]
    again = client.post(
        f"/api/v1/documents/{doc_id}/versions", {"file": upload("x.pdf", b"MZ" * 50)}, **auth
    )
    assert again.status_code == 400
    assert DocumentVersion.objects.count() == 1 and len(stored_files(media_root)) == 1
    # Finance sees the order's documents but may not upload.
    finance = _bearer(firm.finance, firm.workspace)
    assert [d["id"] for d in client.get(base, **finance).json()] == [doc_id]
    forbidden = client.post(
        f"/api/v1/documents/{doc_id}/versions", {"file": upload("y.pdf", pdf_bytes())}, **finance
    )
    assert forbidden.status_code == 403
    assert DocumentVersion.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "other_manager"])
def test_what_is_not_visible_is_404(
    client: HttpClient,
    firm: Firm,  # noqa: F811
    who: str,
) -> None:
    item = firm.order()
    on_contract = firm.add(contract=firm.contract)
    on_order = firm.add(item=item)
    user = getattr(firm, who)
    auth = _bearer(user, firm.other_workspace if who == "other_manager" else firm.workspace)
    for url in (
        f"/api/v1/contracts/{firm.contract.pk}/documents",
        f"/api/v1/items/{item.pk}/documents",
        f"/api/v1/documents/{on_contract.pk}",
        f"/api/v1/documents/{on_order.pk}",
        f"/api/v1/document-versions/{on_contract.versions.get().pk}/file",
        f"/api/v1/document-versions/{on_order.versions.get().pk}/file",
    ):
        assert client.get(url, **auth).status_code == 404, url
    for url in (
        f"/api/v1/contracts/{firm.contract.pk}/documents",
        f"/api/v1/items/{item.pk}/documents",
        f"/api/v1/documents/{on_contract.pk}/versions",
    ):
        posted = client.post(url, {"file": upload("x.pdf", pdf_bytes())}, **auth)
        assert posted.status_code == 404, url
    assert client.delete(f"/api/v1/documents/{on_contract.pk}", **auth).status_code == 404
    assert DocumentVersion.objects.count() == 2


def test_a_client_viewer_reads_contract_documents_and_may_not_write(
    client: HttpClient,
    firm: Firm,  # noqa: F811
) -> None:
    document = firm.add(contract=firm.contract)
    auth = _bearer(firm.viewer, firm.workspace)
    listed = client.get(f"/api/v1/contracts/{firm.contract.pk}/documents", **auth)
    assert [d["id"] for d in listed.json()] == [document.pk]
    posted = client.post(
        f"/api/v1/contracts/{firm.contract.pk}/documents",
        {"file": upload("x.pdf", pdf_bytes())},
        **auth,
    )
    assert posted.status_code == 403
    assert client.delete(f"/api/v1/documents/{document.pk}", **auth).status_code == 403
    assert Document.objects.count() == 1
