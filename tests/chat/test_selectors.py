"""The message list: pages, cursors, read marks, and a flat number of queries."""

from __future__ import annotations

from typing import Any

import pytest

from pult.chat.selectors import chat_context, message_list
from pult.chat.services import message_mark_read, message_post
from tests.documents.conftest import image_bytes, pdf_bytes, upload
from tests.work.conftest import Desk


def _fill(desk: Desk, item: Any, n: int, files: bool = False) -> list[int]:
    """n messages; with `files`, each of the applicant's (even) ones carries two files."""
    return [
        message_post(
            actor=desk.designer if i % 2 else desk.applicant,
            workspace=desk.workspace,
            item_id=item.pk,
            body=f"Message {i}",
            internal=i % 4 == 3,  # odd: the designer's
            uploads=(
                [upload(f"logo-{i}.png", image_bytes("PNG")), upload(f"{i}.pdf", pdf_bytes())]
                if files and i % 2 == 0
                else ()
            ),
        ).pk
        for i in range(n)
    ]


def test_pages_and_cursors(desk: Desk) -> None:
    item = desk.submit()
    ids = _fill(desk, item, 12)
    staff = {"actor": desk.designer, "workspace": desk.workspace, "item": item}
    assert [m.pk for m in message_list(**staff, limit=5)] == ids[-5:]
    assert [m.pk for m in message_list(**staff, before_id=ids[-5], limit=5)] == ids[-10:-5]
    assert [m.pk for m in message_list(**staff, after_id=ids[3])] == ids[4:]
    public = [m.pk for m in message_list(actor=desk.applicant, workspace=desk.workspace, item=item)]
    assert public == [pk for i, pk in enumerate(ids) if i % 4 != 3]
    # A cursor on a note the applicant cannot see is ignored, not a hint.
    assert [
        m.pk
        for m in message_list(
            actor=desk.applicant, workspace=desk.workspace, item=item, after_id=ids[3]
        )
    ] == public


def test_an_item_the_reader_may_not_see_gives_no_messages(desk: Desk) -> None:
    """Even handed an item object, the list checks the item's visibility itself."""
    item = desk.submit()
    _fill(desk, item, 3)
    assert message_list(actor=desk.stranger, workspace=desk.workspace, item=item) == []
    assert len(message_list(actor=desk.applicant, workspace=desk.workspace, item=item)) == 3


@pytest.mark.parametrize("count", [3, 40])
def test_query_count_is_flat(desk: Desk, count: int, django_assert_max_num_queries: Any) -> None:
    item = desk.submit()
    _fill(desk, item, count, files=True)
    for reader in (desk.head, desk.designer2, desk.neighbour):
        last = message_list(actor=reader, workspace=desk.workspace, item=item)[-1]
        message_mark_read(
            actor=reader, workspace=desk.workspace, item_id=item.pk, message_id=last.pk
        )
    for actor in (desk.applicant, desk.designer):
        actor = type(actor).objects.get(pk=actor.pk)  # cold permission caches
        with django_assert_max_num_queries(3):  # permissions, the page, its files
            page = message_list(actor=actor, workspace=desk.workspace, item=item)
            for message in page:
                str(message.author.full_name)
                str(message.item)
                [a.original_name for a in message.attachments.all()]
        assert sum(len(m.attachments.all()) for m in page) == 2 * ((count + 1) // 2)
        actor = type(actor).objects.get(pk=actor.pk)
        # measured 7: + readers, staff, can_post, can_attach (the item's assignees)
        with django_assert_max_num_queries(8):
            context = chat_context(actor=actor, workspace=desk.workspace, item=item)
            for message in context["chat_messages"]:
                str(message.author.full_name)
                len(message.seen_by)
                [a.size for a in message.attachments.all()]


def test_seen_marks_never_point_at_hidden_notes(desk: Desk) -> None:
    item = desk.submit()
    public = message_post(
        actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, body="Question"
    )
    note = message_post(
        actor=desk.designer, workspace=desk.workspace, item_id=item.pk, body="n", internal=True
    )
    context = chat_context(actor=desk.applicant, workspace=desk.workspace, item=item)
    marks = {m["user"].pk: m["message_id"] for m in context["chat_readers"]}
    # The designer read up to the note (their own); the applicant sees that as "their
    # question is seen", at the newest message they can see.
    assert marks == {desk.designer.pk: public.pk}
    assert [p.pk for p in context["chat_messages"][0].seen_by] == [desk.designer.pk]
    staff = chat_context(actor=desk.head, workspace=desk.workspace, item=item)
    assert {m["user"].pk: m["message_id"] for m in staff["chat_readers"]} == {
        desk.applicant.pk: public.pk,
        desk.designer.pk: note.pk,
    }


def test_internal_notes_are_never_seen_by_outsiders(desk: Desk) -> None:
    item = desk.submit()
    note = message_post(
        actor=desk.designer, workspace=desk.workspace, item_id=item.pk, body="n", internal=True
    )
    message_post(actor=desk.applicant, workspace=desk.workspace, item_id=item.pk, body="Later")
    message_mark_read(
        actor=desk.head, workspace=desk.workspace, item_id=item.pk, message_id=note.pk
    )
    # The applicant's mark is past the note (their own later message), yet the designer
    # sees the note as read by the head only.
    context = chat_context(actor=desk.designer, workspace=desk.workspace, item=item)
    shown = next(m for m in context["chat_messages"] if m.pk == note.pk)
    assert [p.pk for p in shown.seen_by] == [desk.head.pk]
