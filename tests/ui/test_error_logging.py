"""A denied page is one line in the log; a server error keeps its traceback."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests.conftest import login
from tests.factories import make_member, make_workspace


@pytest.mark.django_db
def test_a_denied_page_logs_one_line(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    workspace, _admin = make_workspace()
    login(client, make_member(workspace, []))  # may not read the activity feed
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/activity/")
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /activity/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_a_server_error_keeps_its_traceback(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pult.activity import views

    def broken(**kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "feed_page", broken)
    _workspace, admin = make_workspace()
    client = login(Client(raise_request_exception=False), admin)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/activity/")
    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None
    assert "Traceback" in caplog.text and "boom" in caplog.text
