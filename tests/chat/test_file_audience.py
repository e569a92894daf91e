"""A file posted with a comment has that comment's audience on every path: the item
page, the API's file list, the download, the chat export, the feed and the timeline.
On the expertise orders, the expert, Finance and Dept 4 do not see the manager's
comments, so they do not see the manager's files either."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pult.activity.selectors import event_visible_to
from pult.api.services import api_token_create
from pult.chat.services import message_post
from pult.documents import services as document_services
from pult.documents.models import Attachment, AttachmentKind
from pult.documents.selectors import attachment_visible_to
from pult.work.models import Item
from tests.documents.conftest import pdf_bytes
from tests.work import test_stages
from tests.work.test_stages import Office

office = test_stages.office  # the expertise-orders fixture, shared

FILE = "manager_private_terms.pdf"
HIDDEN_FROM = ("expert", "finance", "dept4")
SHOWN_TO = ("manager", "director")


def _post_private_file(office: Office) -> tuple[Item, Attachment]:
    item = office.order()
    message = message_post(
        actor=office.manager,
        workspace=office.workspace,
        item_id=item.pk,
        body="Our terms, between us",
        uploads=[SimpleUploadedFile(FILE, pdf_bytes(), content_type="application/pdf")],
    )
    return item, message.attachments.get()


def _paths(office: Office, name: str, item: Item, attachment: Attachment) -> dict[str, bool]:
    """Where the file's name or content reached this person."""
    user = getattr(office, name)
    web = Client()
    web.force_login(user)
    _token, raw = api_token_create(actor=user, workspace=office.workspace, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    page = web.get(reverse("work:item_detail", args=[item.pk]))
    assert page.status_code == 200, name
    listed = web.get(f"/api/v1/items/{item.pk}/attachments", **auth)
    assert listed.status_code == 200, name
    download = web.get(reverse("documents:attachment_download", args=[attachment.pk]))
    export = web.get(reverse("chat:export", args=[item.pk]))
    feed = event_visible_to(user, office.workspace).filter(verb="documents.attachment_added")
    return {
        "page": FILE in page.content.decode(),
        "api": FILE in listed.content.decode(),
        "download": download.status_code == 200,
        "export": FILE in b"".join(export.streaming_content).decode("utf-8-sig"),
        "feed": feed.exists(),
        "selector": attachment_visible_to(user, office.workspace).exists(),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_a_hidden_comments_file_is_hidden_on_every_path(office: Office, name: str) -> None:
    item, attachment = _post_private_file(office)
    seen = _paths(office, name, item, attachment)
    assert not any(seen.values()), seen
    user = Client()
    user.force_login(getattr(office, name))
    # The download of something one may not see does not exist: 404, not 403.
    download = user.get(reverse("documents:attachment_download", args=[attachment.pk]))
    assert download.status_code == 404
    # Nor can it be removed by id.
    with pytest.raises(Exception, match="Not found"):
        document_services.attachment_remove(
            actor=getattr(office, name), workspace=office.workspace, attachment_id=attachment.pk
        )
    assert Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", SHOWN_TO)
def test_those_who_see_the_comment_see_its_file(office: Office, name: str) -> None:
    item, attachment = _post_private_file(office)
    assert all(_paths(office, name, item, attachment).values())


@pytest.mark.django_db
def test_a_file_added_to_the_item_itself_follows_the_item(office: Office) -> None:
    item = office.order()
    document_services.attachment_add(
        actor=office.manager,
        workspace=office.workspace,
        item_id=item.pk,
        upload=SimpleUploadedFile("public_brief.pdf", pdf_bytes(), content_type="application/pdf"),
        kind=AttachmentKind.INPUT,
    )
    for name in (*HIDDEN_FROM, *SHOWN_TO):
        visible = attachment_visible_to(getattr(office, name), office.workspace)
        assert [a.original_name for a in visible] == ["public_brief.pdf"], name


@pytest.mark.django_db
def test_removing_a_comments_file_is_announced_to_the_comments_audience(office: Office) -> None:
    _item, attachment = _post_private_file(office)
    document_services.attachment_remove(
        actor=office.manager, workspace=office.workspace, attachment_id=attachment.pk
    )
    for name in HIDDEN_FROM:
        events = event_visible_to(getattr(office, name), office.workspace)
        assert not events.filter(verb="documents.attachment_removed").exists(), name
    director = event_visible_to(office.director, office.workspace)
    assert director.filter(verb="documents.attachment_removed").exists()
