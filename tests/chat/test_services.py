"""Posting, validation, internal notes in the feed and notifications, read receipts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pult.activity.models import Event
from pult.activity.selectors import event_visible_to, timeline_for
from pult.chat.models import Message, MessageRead
from pult.chat.selectors import message_list, message_visible_to
from pult.chat.services import MAX_BODY, message_mark_read, message_post
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.documents.models import Attachment, AttachmentKind
from pult.documents.selectors import attachment_list
from pult.notifications.models import Notification, NotificationRule
from tests.conftest import dispatch_notifications
from tests.documents.conftest import exe_bytes, image_bytes, pdf_bytes, stored_files, upload
from tests.work.conftest import Desk


def post(desk: Desk, actor: Any, item: Any, body: str = "Hello", **kwargs: Any) -> Message:
    """Write in the item's chat as `actor`; `uploads=[...]` adds files."""
    return message_post(actor=actor, workspace=desk.workspace, item_id=item.pk, body=body, **kwargs)


def test_post_and_list_in_order(desk: Desk) -> None:
    item = desk.submit()
    first = post(desk, desk.applicant, item, "  Can the logo be bigger?\r\n")
    second = post(desk, desk.designer, item, "Sure")
    assert first.body == "Can the logo be bigger?"
    assert [
        m.pk for m in message_list(actor=desk.neighbour, workspace=desk.workspace, item=item)
    ] == [
        first.pk,
        second.pk,
    ]


def test_body_rules(desk: Desk) -> None:
    item = desk.submit()
    with pytest.raises(DomainError) as empty:
        post(desk, desk.applicant, item, " \n\t ")
    assert "body" in empty.value.field_errors
    with pytest.raises(DomainError):
        post(desk, desk.applicant, item, "x" * (MAX_BODY + 1))
    assert len(post(desk, desk.applicant, item, "x" * MAX_BODY).body) == MAX_BODY
    # NUL would make PostgreSQL refuse the row; other control characters are dropped too.
    assert post(desk, desk.applicant, item, "a\x00b\x1bc\td\ne").body == "abc\td\ne"
    # Stored as typed: HTML is text, escaped when rendered.
    assert post(desk, desk.applicant, item, "<b>hi</b>").body == "<b>hi</b>"


def test_invisible_item_is_not_found(desk: Desk) -> None:
    item = desk.submit()
    with pytest.raises(NotFound):
        post(desk, desk.stranger, item)
    assert not Message.objects.exists()


def test_only_staff_write_internal_notes(desk: Desk) -> None:
    item = desk.submit()
    with pytest.raises(Forbidden):
        post(desk, desk.applicant, item, "psst", internal=True)
    note = post(desk, desk.designer, item, "Applicant is picky", internal=True)
    public = post(desk, desk.designer, item, "Working on it")
    assert set(message_visible_to(desk.applicant, desk.workspace)) == {public}
    assert set(message_visible_to(desk.neighbour, desk.workspace)) == {public}
    assert set(message_visible_to(desk.stranger, desk.workspace)) == set()
    assert set(message_visible_to(desk.designer2, desk.workspace)) == {note, public}
    assert set(message_visible_to(desk.head, desk.workspace)) == {note, public}


def test_internal_note_stays_out_of_outsiders_feed_and_timeline(desk: Desk) -> None:
    item = desk.submit()
    note = post(desk, desk.designer, item, "Applicant is picky", internal=True)
    public = post(desk, desk.designer, item, "Working on it")

    def chat_events(actor: Any) -> set[int]:
        events = event_visible_to(actor, desk.workspace).filter(verb__startswith="chat.")
        return {e.target_id for e in events}

    assert chat_events(desk.applicant) == {public.pk}
    assert chat_events(desk.stranger) == set()
    assert chat_events(desk.designer2) == {note.pk, public.pk}
    # Chat events point at the message: the item's own timeline never lists them.
    assert not [e for e in timeline_for(actor=desk.applicant, target=item) if "chat" in e.verb]


def test_internal_note_notifies_staff_participants_only(desk: Desk) -> None:
    item = desk.submit()
    item.watchers.add(desk.designer2)
    for verb in ("chat.message_posted", "chat.internal_note_posted"):
        NotificationRule.objects.create(workspace=desk.workspace, verb=verb, participants=True)
    post(desk, desk.designer, item, "Applicant is picky", internal=True)
    dispatch_notifications()
    notes = Notification.objects.filter(event__verb="chat.internal_note_posted")
    assert set(notes.values_list("recipient_id", flat=True)) == {desk.designer2.pk}
    post(desk, desk.designer, item, "Working on it")
    dispatch_notifications()
    assert set(
        Notification.objects.filter(event__verb="chat.message_posted").values_list(
            "recipient_id", flat=True
        )
    ) == {desk.applicant.pk, desk.designer2.pk}


def test_read_receipts_move_forward_only(desk: Desk) -> None:
    item = desk.submit()
    first = post(desk, desk.designer, item, "One")
    second = post(desk, desk.designer, item, "Two")
    read = message_mark_read(
        actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, message_id=second.pk
    )
    assert read.last_read_message_id == second.pk
    message_mark_read(
        actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, message_id=first.pk
    )
    assert MessageRead.objects.get(item=item, user=desk.applicant).last_read_message_id == second.pk
    # The author has read up to their own message.
    assert MessageRead.objects.get(item=item, user=desk.designer).last_read_message_id == second.pk


def test_outsiders_cannot_mark_notes_or_foreign_items_read(desk: Desk) -> None:
    item = desk.submit()
    note = post(desk, desk.designer, item, "Internal", internal=True)
    with pytest.raises(NotFound):
        message_mark_read(
            actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, message_id=note.pk
        )
    public = post(desk, desk.designer, item, "Public")
    with pytest.raises(NotFound):
        message_mark_read(
            actor=desk.stranger, workspace=desk.workspace, item_id=item.pk, message_id=public.pk
        )
    assert not MessageRead.objects.filter(user__in=[desk.applicant, desk.stranger]).exists()


# --- Files -------------------------------------------------------------------------


def test_message_with_files_is_one_post_of_source_files(desk: Desk, media_root: Path) -> None:
    item = desk.submit()
    message = post(
        desk,
        desk.applicant,
        item,
        "The logo and the brief",
        uploads=[upload("logo.png", image_bytes("PNG")), upload("brief.pdf", pdf_bytes())],
    )
    files = list(message.attachments.order_by("pk"))
    assert [(a.original_name, a.kind, a.item_id) for a in files] == [
        ("logo.png", AttachmentKind.INPUT, item.pk),
        ("brief.pdf", AttachmentKind.INPUT, item.pk),
    ]
    assert len(stored_files(media_root)) == 2
    # Ordinary source files of the item: the Files panel lists them too.
    shown = attachment_list(actor=desk.neighbour, workspace=desk.workspace, item=item)
    assert {a.pk for a in shown} == {a.pk for a in files}


def test_files_without_text_are_a_message(desk: Desk) -> None:
    item = desk.submit()
    message = post(desk, desk.applicant, item, "  ", uploads=[upload("a.pdf", pdf_bytes())])
    assert message.body == "" and message.attachments.count() == 1


def test_a_refused_file_refuses_the_whole_post(desk: Desk, media_root: Path) -> None:
    item = desk.submit()
    with pytest.raises(DomainError) as refused:
        post(
            desk,
            desk.applicant,
            item,
            "Here you go",
            # The picture is checked and stored first; the disguised program is refused.
            uploads=[upload("logo.png", image_bytes("PNG")), upload("invoice.pdf", exe_bytes())],
        )
    assert "is not a file type we accept" in refused.value.message
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []  # the picture written before is gone again
    assert not Event.objects.filter(verb__in=["chat.message_posted", "documents.attachment_added"])


def test_internal_notes_carry_no_files(desk: Desk, media_root: Path) -> None:
    """Files are visible to everyone who sees the item, so a note cannot hide them."""
    item = desk.submit()
    with pytest.raises(DomainError) as refused:
        post(
            desk,
            desk.designer,
            item,
            "The real brief",
            internal=True,
            uploads=[upload("brief.pdf", pdf_bytes())],
        )
    assert "files" in refused.value.field_errors
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_file_rules_of_the_documents_app_apply(desk: Desk, media_root: Path) -> None:
    item = desk.submit()
    with pytest.raises(DomainError) as too_many:
        post(
            desk, desk.applicant, item, uploads=[upload(f"{n}.pdf", pdf_bytes()) for n in range(6)]
        )
    assert "files" in too_many.value.field_errors
    # Same outlet, so they may write in the chat; not the requester, so no files.
    with pytest.raises(Forbidden):
        post(desk, desk.neighbour, item, uploads=[upload("a.pdf", pdf_bytes())])
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media_root) == []
