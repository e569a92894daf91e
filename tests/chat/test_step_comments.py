"""A step's comment is part of the conversation: the designer's clarification question,
the applicant's answer and their reason for revision are read by the other side in the
chat, and quoted in the notification and the e-mail the step triggers — only to those
who may read the one who wrote them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pult.activity.describe import describe_event
from pult.activity.models import Event
from pult.chat.models import Message
from pult.chat.selectors import message_list
from pult.desk import services as desk_services
from pult.notifications.models import Notification
from pult.notifications.services import outbox_deliver_due
from pult.work import services
from tests.conftest import SmtpServer, dispatch_notifications, login
from tests.work import test_stages
from tests.work.conftest import Desk
from tests.work.test_stages import Office

pytestmark = pytest.mark.django_db

office = test_stages.office  # the expertise-orders fixture, shared

QUESTION = "Which logo, the round or the square one?"
ANSWER = "The round one, please."
REASON = "The phone number is wrong."


def _step(desk: Desk, actor: object, item_id: int, key: str, comment: str = "") -> None:
    services.work_item_transition(
        actor=actor,  # type: ignore[arg-type]
        workspace=desk.workspace,
        item_id=item_id,
        transition_key=key,
        comment=comment,
    )
    dispatch_notifications()


def _inbox_text(client: Client) -> str:
    return client.get(reverse("notifications:inbox")).content.decode()


def test_the_question_the_answer_and_the_reason_are_read_by_the_other_side(
    client: Client, desk: Desk, smtp: SmtpServer
) -> None:
    item = desk.submit(title="Poster")
    desk_services.work_item_take(actor=desk.designer, workspace=desk.workspace, item_id=item.pk)
    _step(desk, desk.designer, item.pk, "ask_clarification", QUESTION)

    # The applicant reads the question in the chat, on the page, in the inbox and e-mail.
    chat = message_list(actor=desk.applicant, workspace=desk.workspace, item=item)
    assert [(m.author, m.body) for m in chat] == [(desk.designer, QUESTION)]
    assert chat[0].step["en"] == "Ask for clarification"
    login(client, desk.applicant)
    page = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assert QUESTION in page and "data-chat-step" in page
    assert QUESTION in _inbox_text(client)
    outbox_deliver_due()
    assert any(QUESTION in body for body in smtp.mailbox.bodies())

    _step(desk, desk.applicant, item.pk, "answer", ANSWER)
    chat = message_list(actor=desk.designer, workspace=desk.workspace, item=item)
    assert [m.body for m in chat] == [QUESTION, ANSWER]
    client.logout()
    login(client, desk.designer)
    assert ANSWER in _inbox_text(client)

    desk.deliver(item)
    _step(desk, desk.designer, item.pk, "complete")
    _step(desk, desk.applicant, item.pk, "return_for_revision", REASON)
    assert REASON in _inbox_text(client)
    page = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assert REASON in page
    # A step without a comment adds nothing to the conversation.
    assert Message.objects.filter(item=item).count() == 3


def test_a_step_comment_in_the_readers_language(desk: Desk) -> None:
    item = desk.submit(title="Poster")
    desk_services.work_item_take(actor=desk.designer, workspace=desk.workspace, item_id=item.pk)
    _step(desk, desk.designer, item.pk, "ask_clarification", QUESTION)
    notification = Notification.objects.filter(
        recipient=desk.applicant, event__verb="work.status_changed"
    ).latest("pk")
    with translation.override("ru"):
        text = describe_event(notification.event, desk.applicant, quote=True)
    # The designer acted in English; the applicant reads the step in Russian.
    assert "Запросить уточнение" in text and "DR-00001" in text
    assert QUESTION in text


def test_a_comment_hidden_by_the_rules_is_not_quoted(office: Office) -> None:
    # On the expertise orders the expert does not read the manager's comments.
    item = office.order()
    message_count = Message.objects.count()
    services.work_item_transition(
        actor=office.manager,
        workspace=office.workspace,
        item_id=item.pk,
        transition_key="confirm",
        comment="Between us: the client pays late.",
    )
    assert Message.objects.count() == message_count + 1
    assert Message.objects.latest("pk").author == office.manager
    status_event = Event.objects.filter(verb="work.status_changed").latest("pk")
    director_text = describe_event(status_event, office.director, quote=True)
    expert_text = describe_event(status_event, office.expert, quote=True)
    assert "client pays late" in director_text
    assert "client pays late" not in expert_text
