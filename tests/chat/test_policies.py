"""Who may write, write internal notes and read them: the role × action matrix."""

from __future__ import annotations

import pytest
from django.db.models import OuterRef

from pult.chat import policies
from tests.work.conftest import Desk


@pytest.mark.parametrize(
    ("who", "post", "internal"),
    [
        ("head", True, True),
        ("designer", True, True),
        ("designer2", True, True),
        ("applicant", True, False),
        ("neighbour", True, False),  # same outlet: sees the item, not the notes
        ("stranger", False, False),  # another outlet: the item does not exist for them
    ],
)
def test_chat_policies(desk: Desk, who: str, post: bool, internal: bool) -> None:
    item = desk.submit()
    actor = getattr(desk, who)
    assert policies.can_post_message(actor, item) is post
    assert policies.can_post_internal_note(actor, desk.workspace) is internal
    assert policies.can_see_internal_notes(actor, desk.workspace) is internal


def test_bulk_rule_agrees_with_the_policy(desk: Desk) -> None:
    people = [desk.head, desk.designer, desk.designer2, desk.applicant, desk.neighbour]
    people.append(desk.stranger)
    bulk = policies.internal_note_reader_ids(desk.workspace, [p.pk for p in people])
    assert bulk == {p.pk for p in people if policies.can_see_internal_notes(p, desk.workspace)}
    assert bulk == {desk.head.pk, desk.designer.pk, desk.designer2.pk}


def test_a_left_staff_member_is_no_longer_an_internal_reader(desk: Desk) -> None:
    """Their membership is inactive while colleagues keep the same role: the bulk rule
    and the read marks' SQL condition must look at their own membership."""
    from pult.accounts.models import Membership, User

    Membership.objects.filter(user=desk.designer2, workspace=desk.workspace).update(is_active=False)
    assert not policies.can_see_internal_notes(desk.designer2, desk.workspace)
    people = [desk.head.pk, desk.designer.pk, desk.designer2.pk]
    assert policies.internal_note_reader_ids(desk.workspace, people) == set(people[:2])
    marks = dict(
        User.objects.filter(pk__in=people[1:])
        .annotate(sees=policies.sees_internal_notes(desk.workspace, OuterRef("pk")))
        .values_list("pk", "sees")
    )
    assert marks == {desk.designer.pk: True, desk.designer2.pk: False}
