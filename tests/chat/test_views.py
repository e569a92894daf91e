"""The chat's HTTP side: the form post (plain and htmx), the catch-up list, the partial."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.messages import get_messages
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from pult.chat.models import Message
from pult.chat.selectors import chat_context
from pult.chat.services import message_post
from pult.documents.models import Attachment
from tests.documents.conftest import exe_bytes, image_bytes, pdf_bytes, stored_files, upload
from tests.work.conftest import Desk

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_plain_post_redirects_back_to_the_chat(desk: Desk) -> None:
    item = desk.submit()
    response = _client(desk.applicant).post(
        reverse("chat:post", args=[item.pk]),
        {"body": "Hello", "next": f"/items/{item.pk}/"},
    )
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/items/{item.pk}/#message-{message.pk}"
    assert message.author == desk.applicant and not message.internal


def test_post_refuses_foreign_redirects_and_reports_errors(desk: Desk) -> None:
    item = desk.submit()
    client = _client(desk.applicant)
    response = client.post(
        reverse("chat:post", args=[item.pk]), {"body": "  ", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/") and "evil" not in response["Location"]
    assert not Message.objects.exists()


def test_htmx_post_returns_the_escaped_partial(desk: Desk) -> None:
    item = desk.submit()
    response = _client(desk.designer).post(
        reverse("chat:post", args=[item.pk]),
        {"body": XSS + " see https://example.com/a?b=1", "internal": "on"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 201
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="https://example.com/a?b=1"' in html and 'rel="nofollow"' in html
    assert "chat-internal" in html and Message.objects.get().internal


def test_htmx_post_errors_go_to_the_error_slot(desk: Desk) -> None:
    item = desk.submit()
    response = _client(desk.applicant).post(
        reverse("chat:post", args=[item.pk]), {"body": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#chat-errors-{item.pk}"
    assert "errorlist" in response.content.decode()


def test_applicant_cannot_post_internal_notes(desk: Desk) -> None:
    item = desk.submit()
    response = _client(desk.applicant).post(
        reverse("chat:post", args=[item.pk]), {"body": "x", "internal": "on"}
    )
    assert response.status_code == 302
    assert not Message.objects.exists()


def test_strangers_get_404(desk: Desk) -> None:
    item = desk.submit()
    client = _client(desk.stranger)
    assert client.post(reverse("chat:post", args=[item.pk]), {"body": "hi"}).status_code == 404
    assert client.post(reverse("chat:post", args=[item.pk]), {"body": ""}).status_code == 404
    assert client.get(reverse("chat:messages", args=[item.pk])).status_code == 404
    assert not Message.objects.exists()


def test_message_list_hides_internal_notes_from_the_applicant(desk: Desk) -> None:
    item = desk.submit()
    for body, internal in (("Public answer", False), ("Staff only remark", True)):
        message_post(
            actor=desk.designer,
            workspace=desk.workspace,
            item_id=item.pk,
            body=body,
            internal=internal,
        )
    url = reverse("chat:messages", args=[item.pk])
    applicant = _client(desk.applicant).get(url).content.decode()
    designer = _client(desk.designer).get(url).content.decode()
    assert "Public answer" in applicant and "Staff only remark" not in applicant
    assert "Public answer" in designer and "Staff only remark" in designer
    assert "Internal note" in designer  # visibly marked


def test_catch_up_after_an_id(desk: Desk) -> None:
    item = desk.submit()
    ids = [
        message_post(
            actor=desk.designer, workspace=desk.workspace, item_id=item.pk, body=f"m{i}"
        ).pk
        for i in range(3)
    ]
    html = (
        _client(desk.applicant)
        .get(reverse("chat:messages", args=[item.pk]), {"after": ids[0]})
        .content.decode()
    )
    assert f'data-message-id="{ids[0]}"' not in html
    assert f'data-message-id="{ids[1]}"' in html and f'data-message-id="{ids[2]}"' in html


def _render_partial(desk: Desk, actor: Any, item: Any) -> str:
    request = RequestFactory().get(f"/items/{item.pk}/")
    request.user = actor
    request.workspace = desk.workspace  # type: ignore[attr-defined]  (as the middleware sets)
    request.memberships = []  # type: ignore[attr-defined]
    context = chat_context(actor=actor, workspace=desk.workspace, item=item)
    return render_to_string("chat/_item_chat.html", context, request=request)


def test_item_partial_escapes_and_shows_staff_controls_to_staff_only(desk: Desk) -> None:
    item = desk.submit()
    message_post(actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, body=XSS)
    applicant = _render_partial(desk, desk.applicant, item)
    designer = _render_partial(desk, desk.designer, item)
    for html in (applicant, designer):
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        assert '<script>alert("x")' not in html
        assert "<script src=" in html and "chat/chat.js" in html  # no inline script
        assert 'name="body"' in html and '<label for="chat-body-' in html
        assert f'data-socket-path="/ws/items/{item.pk}/chat/"' in html
    assert 'name="internal"' in designer and 'name="internal"' not in applicant


# --- Files -------------------------------------------------------------------------


def test_post_with_files_shows_links_the_item_sees_and_strangers_do_not(desk: Desk) -> None:
    item = desk.submit()
    response = _client(desk.applicant).post(
        reverse("chat:post", args=[item.pk]),
        {
            "body": "Logo and brief",
            "files": [upload("logo.png", image_bytes("PNG")), upload("brief.pdf", pdf_bytes())],
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 201
    message = Message.objects.get()
    logo, brief = message.attachments.order_by("pk")
    html = response.content.decode()
    for attachment in (logo, brief):
        url = reverse("documents:attachment_download", args=[attachment.pk])
        assert f'href="{url}"' in html
        assert f">{attachment.original_name}</a>" in html
        assert filesizeformat(attachment.size) in html
    # The neighbour of the same outlet sees the item, so the files; the stranger does not.
    neighbour, stranger = _client(desk.neighbour), _client(desk.stranger)
    download = neighbour.get(reverse("documents:attachment_download", args=[brief.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    for attachment in (logo, brief):
        url = reverse("documents:attachment_download", args=[attachment.pk])
        assert stranger.get(url).status_code == 404
    # The message list (catch-up, the item page) carries the files as well.
    listed = neighbour.get(reverse("chat:messages", args=[item.pk])).content.decode()
    assert "logo.png" in listed and "brief.pdf" in listed


def test_plain_post_with_a_disguised_program_saves_nothing(desk: Desk, media_root: Path) -> None:
    item = desk.submit()
    client = _client(desk.applicant)
    response = client.post(
        reverse("chat:post", args=[item.pk]),
        {
            "body": "See attached",
            "files": [upload("logo.png", image_bytes("PNG")), upload("brief.pdf", exe_bytes())],
            "next": f"/items/{item.pk}/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/items/{item.pk}/#chat-{item.pk}"
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media_root) == []
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("is not a file type we accept" in text for text in shown)


def test_htmx_internal_note_with_a_file_is_refused(desk: Desk, media_root: Path) -> None:
    item = desk.submit()
    response = _client(desk.designer).post(
        reverse("chat:post", args=[item.pk]),
        {"body": "Notes", "internal": "on", "files": [upload("brief.pdf", pdf_bytes())]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#chat-errors-{item.pk}"
    assert "Internal notes cannot carry files" in response.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_file_field_is_offered_to_those_who_may_add_files(desk: Desk) -> None:
    item = desk.submit()
    applicant = _render_partial(desk, desk.applicant, item)
    neighbour = _render_partial(desk, desk.neighbour, item)
    assert 'enctype="multipart/form-data"' in applicant
    assert 'type="file"' in applicant and 'name="files" multiple' in applicant
    assert '<label for="chat-files-' in applicant
    assert 'name="body"' in neighbour and 'name="files"' not in neighbour
