"""History, e-mails and names in the reader's language, whoever acted or set things up:
events are rendered when read, e-mails in the recipient's language, and the names a
preset brings (roles, the regulations' twin articles, calendar days, reminders Pult
writes) read in Russian on Russian pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from pult.accounts.models import User
from pult.activity.describe import describe_event
from pult.activity.models import Event
from pult.calendars import reminders
from pult.calendars.models import CalendarException
from pult.calendars.selectors import default_calendar
from pult.calendars.services import calendar_create_default
from pult.desk import services as desk_services
from pult.notifications.services import outbox_deliver_due
from pult.parties.models import Client as PartyClient
from tests.conftest import PASSWORD, SmtpServer, dispatch_notifications
from tests.work import test_stages
from tests.work.conftest import Desk
from tests.work.test_stages import Office

pytestmark = pytest.mark.django_db

office = test_stages.office  # the expertise-orders fixture, shared


def _ru(user: User, url: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user)
    return client.get(url).content.decode()


def test_history_reads_in_the_readers_language_whoever_acted(desk: Desk) -> None:
    item = desk.submit(title="Poster")
    with translation.override("en"):  # the designer works in English
        desk_services.work_item_take(actor=desk.designer, workspace=desk.workspace, item_id=item.pk)
    event = Event.objects.filter(verb="work.status_changed").latest("pk")
    with translation.override("ru"):
        text = describe_event(event, desk.applicant)
    assert "Взять в работу" in text and "Take" not in text
    page = _ru(desk.applicant, reverse("work:item_detail", args=[item.pk]))
    assert "Взять в работу" in page


def test_signed_stages_read_in_the_readers_language(office: Office) -> None:
    item = office.order()
    sales = {
        "payment_terms": "50% ahead",
        "fee": "120000",
        "subcontractor_amount": "0",
        "sales_comments": "—",
    }
    office.fill(office.manager, item, sales)
    with translation.override("en"):
        office.sign(office.manager, item, "sales")
    event = Event.objects.filter(verb="work.stage_signed").latest("pk")
    with translation.override("en"):
        english = describe_event(event, office.director)
    with translation.override("ru"):
        russian = describe_event(event, office.director)
    assert english != russian


def test_an_email_speaks_its_recipients_language(desk: Desk, smtp: SmtpServer) -> None:
    User.objects.filter(pk=desk.applicant.pk).update(locale="ru")
    item = desk.submit(title="Poster")
    desk_services.work_item_take(actor=desk.designer, workspace=desk.workspace, item_id=item.pk)
    dispatch_notifications()
    outbox_deliver_due()
    to_applicant = [m for m in smtp.mailbox.messages if desk.applicant.email in m["To"]]
    assert to_applicant
    body = smtp.mailbox.bodies()[smtp.mailbox.messages.index(to_applicant[-1])]
    assert "Взять в работу" in body


def test_logging_in_keeps_the_language_one_logged_in_with(desk: Desk) -> None:
    User.objects.filter(pk=desk.designer.pk).update(locale="")
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    response = client.post(
        "/accounts/login/", {"username": desk.designer.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    desk.designer.refresh_from_db()
    assert desk.designer.locale == "ru"


def test_preset_names_read_in_russian(desk: Desk) -> None:
    home = _ru(desk.designer, "/")
    assert "Дизайнер" in home and ">Designer<" not in home
    knowledge = _ru(desk.designer, reverse("documents:article_list"))
    assert "Регламент" in knowledge and "Regulations for design requests" not in knowledge
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(desk.designer)
    listed = english.get(reverse("documents:article_list")).content.decode()
    assert "Regulations for design requests" in listed and "Регламент" not in listed
    form = _ru(desk.applicant, reverse("work:item_new"))
    assert "Logos, photos, samples" not in form


def test_days_and_reminders_pult_writes_read_in_russian(desk: Desk) -> None:
    year = timezone.now().year
    with translation.override("en"):
        calendar = default_calendar(desk.workspace) or calendar_create_default(
            workspace=desk.workspace, years=(year,)
        )
    day = CalendarException.objects.filter(calendar=calendar, kind="holiday").first()
    assert day is not None
    with translation.override("ru"):
        assert day.shown_note == "Праздник или выходной"
    client = PartyClient.objects.create(
        workspace=desk.workspace,
        name="Мегаполис",
        manager=desk.head,
        next_contact_at=timezone.now() + timedelta(days=1),
    )
    with translation.override("en"):
        reminder = reminders.reminder_for_next_contact(
            actor=desk.head, workspace=desk.workspace, client=client
        )
    assert reminder is not None
    with translation.override("ru"):
        assert reminder.shown_text == "Позвонить клиенту: Мегаполис"
    with translation.override("en"):
        assert reminder.shown_text == "Call the client: Мегаполис"
