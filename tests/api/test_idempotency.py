"""A retried API write with the same Idempotency-Key is not done twice."""

from __future__ import annotations

import pytest
from django.test import Client

from pult.access.models import Role
from pult.api.services import api_token_create
from tests.factories import make_workspace

pytestmark = pytest.mark.django_db


def test_a_retry_returns_the_first_answer_and_writes_nothing(client: Client) -> None:
    workspace, admin = make_workspace()
    _token, raw = api_token_create(actor=admin, workspace=workspace, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_IDEMPOTENCY_KEY": "create-auditor"}
    first = client.post(
        "/api/v1/roles", {"name": "Auditor"}, content_type="application/json", **headers
    )
    again = client.post(
        "/api/v1/roles", {"name": "Auditor"}, content_type="application/json", **headers
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Role.objects.filter(workspace=workspace, name="Auditor").count() == 1
    # The same key on another request is a client bug, not a replay.
    other = client.post("/api/v1/notifications/read-all", **headers)
    assert other.status_code == 422
    # Without a key, the duplicate is refused by the domain rule instead.
    plain = client.post(
        "/api/v1/roles",
        {"name": "Auditor"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert plain.status_code == 400
