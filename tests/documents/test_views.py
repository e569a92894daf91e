"""Attachment downloads and uploads over HTTP: through the selector, as attachments."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from pult.access.models import Role
from pult.documents import services
from pult.documents.models import Attachment
from pult.documents.selectors import attachment_context
from tests.conftest import login
from tests.documents.conftest import exe_bytes, image_bytes, pdf_bytes, upload
from tests.documents.test_services import take
from tests.factories import make_member, make_workspace
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _attached(desk: Desk, name: str = "Макет афиши.pdf") -> tuple[Any, Attachment]:
    item = desk.submit()
    attachment = services.attachment_add(
        actor=desk.applicant,
        workspace=desk.workspace,
        item_id=item.pk,
        upload=upload(name, pdf_bytes()),
        kind="input",
    )
    return item, attachment


def test_download_by_requester_is_a_private_attachment(desk: Desk, client: Client) -> None:
    _item, attachment = _attached(desk)
    response = login(client, desk.applicant).get(f"/files/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # Non-ASCII names travel RFC 5987-encoded.
    assert "filename*=utf-8''%D0%9C%D0%B0%D0%BA%D0%B5%D1%82" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_ascii_name_and_neighbour_of_the_same_outlet(desk: Desk, client: Client) -> None:
    _item, attachment = _attached(desk, name="poster.pdf")
    response = login(client, desk.neighbour).get(f"/files/{attachment.pk}/")
    assert response.status_code == 200
    assert 'filename="poster.pdf"' in response["Content-Disposition"]


def test_download_is_not_found_for_those_who_do_not_see_the_item(
    desk: Desk, client: Client
) -> None:
    _item, attachment = _attached(desk)
    assert login(client, desk.stranger).get(f"/files/{attachment.pk}/").status_code == 404
    other, _admin = make_workspace("Elsewhere")
    outsider = make_member(other, roles=list(Role.objects.filter(workspace=other)))
    client.logout()
    assert login(client, outsider).get(f"/files/{attachment.pk}/").status_code == 404
    assert client.get("/files/999999/").status_code == 404
    client.logout()
    assert client.get(f"/files/{attachment.pk}/").status_code == 302  # to the login page


def test_upload_redirects_to_a_safe_next_only(desk: Desk, client: Client) -> None:
    item = desk.submit()
    login(client, desk.applicant)
    url = f"/items/{item.pk}/files/"
    response = client.post(
        url, {"file": upload("a.png", image_bytes("PNG")), "kind": "input", "next": "/kb/"}
    )
    assert response.status_code == 302 and response["Location"] == "/kb/"
    for unsafe in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(
            url, {"file": upload("a.png", image_bytes("PNG")), "kind": "input", "next": unsafe}
        )
        assert response["Location"] == f"/items/{item.pk}/", unsafe
    assert Attachment.objects.filter(item=item).count() == 4


def test_upload_refusal_and_htmx_partial(desk: Desk, client: Client) -> None:
    item = desk.submit()
    login(client, desk.applicant)
    url = f"/items/{item.pk}/files/"
    response = client.post(
        url, {"file": upload("x.pdf", exe_bytes()), "kind": "input"}, follow=True
    )
    assert "is not a file type we accept" in response.content.decode()
    assert not Attachment.objects.exists()
    htmx = {"HTTP_HX_REQUEST": "true"}
    refused = client.post(url, {"file": upload("x.pdf", exe_bytes()), "kind": "input"}, **htmx)
    assert refused.status_code == 200
    assert "is not a file type we accept" in refused.content.decode()
    assert "<html" not in refused.content.decode()
    # The requester may not add results: told inline, nothing stored.
    refused = client.post(
        url, {"file": upload("r.pdf", pdf_bytes()), "kind": "deliverable"}, **htmx
    )
    assert "may add results" in refused.content.decode()
    done = client.post(url, {"file": upload("brief.pdf", pdf_bytes()), "kind": "input"}, **htmx)
    html = done.content.decode()
    assert done.status_code == 200 and "brief.pdf" in html and "data-attachments" in html
    assert Attachment.objects.count() == 1


def test_upload_to_an_invisible_item_is_not_found(desk: Desk, client: Client) -> None:
    item = desk.submit()
    login(client, desk.stranger)
    response = client.post(
        f"/items/{item.pk}/files/", {"file": upload("a.pdf", pdf_bytes()), "kind": "input"}
    )
    assert response.status_code == 404
    assert client.get(f"/items/{item.pk}/files/").status_code == 405
    assert not Attachment.objects.exists()


def test_remove_view(desk: Desk, client: Client) -> None:
    _item, attachment = _attached(desk)
    login(client, desk.neighbour)
    assert client.post(f"/files/{attachment.pk}/remove/").status_code == 403
    client.logout()
    login(client, desk.applicant)
    response = client.post(f"/files/{attachment.pk}/remove/", {"next": "/kb/"})
    assert response.status_code == 302 and response["Location"] == "/kb/"
    assert not Attachment.objects.exists()
    assert client.post(f"/files/{attachment.pk}/remove/").status_code == 404


def test_partial_lists_inputs_and_deliverables_separately(desk: Desk) -> None:
    item, attachment = _attached(desk, name="brief.pdf")
    take(desk, item)
    services.attachment_add(
        actor=desk.designer,
        workspace=desk.workspace,
        item_id=item.pk,
        upload=upload("poster.png", image_bytes("PNG", size=(200, 100))),
        kind="deliverable",
    )
    request = RequestFactory().get(f"/items/{item.pk}/")
    request.user = desk.designer
    request.workspace = desk.workspace  # type: ignore[attr-defined]
    request.memberships = []  # type: ignore[attr-defined]
    context = attachment_context(actor=desk.designer, workspace=desk.workspace, item=item)
    html = render_to_string("documents/_item_attachments.html", context, request=request)
    inputs, deliverables = html.split('data-attachment-list="deliverable"')
    assert "brief.pdf" in inputs and "poster.png" in deliverables
    assert f"/files/{attachment.pk}/" in inputs
    assert 'value="deliverable"' in html and 'value="input"' in html
    assert 'for="attachment-file-' in html  # the file input has a label
    assert "style=" not in html and "<script" not in html  # the CSP allows neither
    # The applicant is offered inputs only.
    request.user = desk.applicant
    context = attachment_context(actor=desk.applicant, workspace=desk.workspace, item=item)
    html = render_to_string("documents/_item_attachments.html", context, request=request)
    assert 'value="deliverable"' not in html and 'value="input"' in html
