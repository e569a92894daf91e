"""Chat writes. `message_post` writes what people type in the chat (the item page form,
the socket and the API come through it); `step_comment_keep` keeps a step's comment in
the conversation. Nothing else writes Message."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pult.activity.services import event_record
from pult.chat import live, policies
from pult.chat.events import INTERNAL_NOTE_POSTED, MESSAGE_POSTED
from pult.chat.models import Message, MessageRead
from pult.chat.selectors import MAX_FILES, message_visible_to
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.core.text import printable
from pult.documents.models import Attachment, AttachmentKind
from pult.documents.services import attachment_add
from pult.work.selectors import item_visible_to

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from pult.accounts.models import User, Workspace
    from pult.activity.models import Event
    from pult.work.models import Item

MAX_BODY = 10_000


def clean_body(body: str) -> str:
    """Plain text as it will be stored: newlines normalised, control characters dropped
    and a broken surrogate replaced (the socket and the API hand text over as the
    client sent it; the forms refuse both), outer blank space stripped. HTML stays text;
    templates escape it when rendering."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    return printable(body).strip()


@transaction.atomic
def message_post(
    *,
    actor: User,
    workspace: Workspace,
    item_id: int,
    body: str,
    internal: bool = False,
    uploads: Sequence[UploadedFile] = (),
) -> Message:
    """Add a message, with up to MAX_FILES files, to an item's chat the actor can see;
    live delivery after commit. All or nothing: one refused file refuses the whole post.

    Each file is a source file of the item (`attachment_add`: its type, size and policy
    checks, its event), so it is visible to everyone who sees the item; internal notes
    therefore carry no files. The event points at the message, so the feed shows it
    exactly to those who may read the message."""
    item = item_visible_to(actor, workspace).select_related("item_type").filter(pk=item_id).first()
    if item is None or not policies.can_post_message(actor, item):
        raise NotFound(_("Not found."))
    if internal and not policies.can_post_internal_note(actor, workspace):
        raise Forbidden(_("Only staff can write internal notes."))
    uploads = list(uploads)
    if internal and uploads:
        error = _(
            "Internal notes cannot carry files: everyone who sees the request could open "
            "them. Send the files in a regular message or leave the note without them."
        )
        raise DomainError(error, field_errors={"files": [error]})
    if len(uploads) > MAX_FILES:
        error = _("A message can carry at most %(max)s files.") % {"max": MAX_FILES}
        raise DomainError(error, field_errors={"files": [error]})
    body = clean_body(body)
    if not body and not uploads:
        raise DomainError(
            _("Write a message first."), field_errors={"body": [_("This field is required.")]}
        )
    if len(body) > MAX_BODY:
        error = _("A message can be at most %(max)s characters long.") % {"max": MAX_BODY}
        raise DomainError(error, field_errors={"body": [error]})
    attachments: list[Attachment] = []
    try:
        message = Message.objects.create(
            workspace=workspace, item=item, author=actor, body=body, internal=internal
        )
        for upload in uploads:
            # attachment_add deletes its own file when its row fails; the files of the
            # uploads before a refused one are deleted below, as their rows roll back.
            # Shared in the message: the file has the message's audience, not the item's.
            attachments.append(
                attachment_add(
                    actor=actor,
                    workspace=workspace,
                    item_id=item.pk,
                    upload=upload,
                    kind=AttachmentKind.INPUT,
                    shared_in=message,
                )
            )
        if attachments:
            message.attachments.add(*attachments)
        event_record(
            actor=actor,
            workspace=workspace,
            verb=INTERNAL_NOTE_POSTED if internal else MESSAGE_POSTED,
            target=message,
            payload={"item_id": item.pk, "reference": item.reference},
        )
        # Whoever writes has read everything up to their own message.
        _advance_read(actor=actor, workspace=workspace, item=item, message=message)
    except BaseException:
        _discard_files(attachments)
        raise
    transaction.on_commit(partial(live.push_message, item_id=item.pk, message_id=message.pk))
    return message


def step_comment_keep(event: Event) -> None:
    """A step's comment is part of the conversation (the designer's question, the
    applicant's answer or reason for revision): it joins the item's chat as the actor's
    message, marked with the step, so that exactly those who may read the actor's
    messages read it; the event names the message so that the notification it triggers
    quotes the comment to them. Subscribed to `work.status_changed`, in its transaction;
    the event announces the message (no second notification)."""
    payload = event.payload or {}
    body = clean_body(str(payload.get("comment") or ""))[:MAX_BODY]
    if not body or event.actor is None or event.target_id is None:
        return
    from pult.work.models import Item

    item = Item.objects.get(pk=event.target_id, workspace_id=event.workspace_id)
    step = payload.get("step")
    message = Message.objects.create(
        workspace_id=event.workspace_id,
        item=item,
        author=event.actor,
        body=body,
        step=step if isinstance(step, dict) else {"en": str(step or "")},
    )
    _advance_read(actor=event.actor, workspace=event.workspace, item=item, message=message)
    event.payload = {
        **payload,
        "quote": body,
        "quote_of": [ContentType.objects.get_for_model(Message).pk, message.pk],
    }
    event.save(update_fields=["payload"])
    transaction.on_commit(partial(live.push_message, item_id=item.pk, message_id=message.pk))


def _discard_files(attachments: Sequence[Attachment]) -> None:
    """Delete the stored files of attachments whose rows are being rolled back (no
    orphans on disk; the same rule as documents.services._discard)."""
    for attachment in attachments:
        if attachment.file and attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)


def _advance_read(*, actor: User, workspace: Workspace, item: Item, message: Message) -> bool:
    """Move the actor's read mark forward to `message`; never back. True when it moved."""
    read = (
        MessageRead.objects.select_for_update(of=("self",))
        .select_related("last_read_message")
        .filter(item=item, user=actor)
        .first()
    )
    if read is None:
        try:
            with transaction.atomic():
                MessageRead.objects.create(
                    workspace=workspace, item=item, user=actor, last_read_message=message
                )
            return True
        except IntegrityError:  # the same person reading in two tabs at once
            read = (
                MessageRead.objects.select_for_update(of=("self",))
                .select_related("last_read_message")
                .get(item=item, user=actor)
            )
    current = read.last_read_message
    if current is not None and current.sort_key >= message.sort_key:
        return False
    read.last_read_message = message
    read.last_read_at = timezone.now()
    read.save(update_fields=["last_read_message", "last_read_at"])
    return True


@transaction.atomic
def message_mark_read(
    *, actor: User, workspace: Workspace, item_id: int, message_id: int
) -> MessageRead:
    """Record that the actor has read an item's chat up to a message they can see.

    Marks only move forward; others' sockets hear of the new mark after commit."""
    message = (
        message_visible_to(actor, workspace)
        .select_related("item__item_type")
        .filter(pk=message_id, item_id=item_id)
        .first()
    )
    if message is None:
        raise NotFound(_("Not found."))
    moved = _advance_read(actor=actor, workspace=workspace, item=message.item, message=message)
    if moved:
        transaction.on_commit(
            partial(live.push_read, item_id=item_id, user_id=actor.pk, message_id=message.pk)
        )
    return MessageRead.objects.get(item_id=item_id, user=actor)
