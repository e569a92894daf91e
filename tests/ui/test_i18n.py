"""Language follows the browser until the user picks one; times show in their zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from pult.accounts.models import User
from pult.accounts.services import department_create
from tests.conftest import login
from tests.factories import make_workspace

pytestmark = pytest.mark.django_db


def test_browser_language_until_a_choice_is_saved_on_the_profile(client: Client) -> None:
    assert "Войти" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Log in" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    _workspace, admin = make_workspace()
    login(client, admin)
    assert 'lang="ru"' in client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    client.post("/language/", {"language": "en", "next": "/"})
    assert User.objects.get(pk=admin.pk).locale == "en"
    # The saved choice wins over the browser, on a fresh session too.
    fresh = Client()
    login(fresh, admin)
    page = fresh.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'lang="en"' in page and "Notifications" in page


def test_event_times_show_in_the_viewers_time_zone(client: Client) -> None:
    workspace, admin = make_workspace()
    department_create(actor=admin, workspace=workspace, name="Sales")
    User.objects.filter(pk=admin.pk).update(time_zone="Asia/Vladivostok", locale="en")
    login(client, admin)
    page = client.get("/activity/").content.decode()
    created = timezone.localtime(timezone.now(), timezone=ZoneInfo("Asia/Vladivostok"))
    assert created.isoformat()[:13] in page  # datetime="…+10:00" in the viewer's zone
    assert "+10:00" in page
