"""Schemathesis over /api/v1/openapi.json, in-process against the Django WSGI app.

Every operation gets generated requests, valid and invalid (the negative mode breaks
one part of a request at a time: a type, a bound, a required field, the JSON itself),
each sent as two people of a design-desk workspace: an applicant, and the marketing
head who also keeps the client base. The run fails on any 5xx, on an invalid request
the API accepts, on an answer the OpenAPI document does not declare (status, content
type or body).

The budget (MAX_EXAMPLES a phase per operation, derandomised so that a run is the same
run everywhere) keeps it near a minute on two cores; raise it and let chance pick the
examples to dig deeper: `PULT_FUZZ_EXAMPLES=200 PULT_FUZZ_RANDOM=1 pytest tests/api/test_fuzz.py`.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from pult.access.models import Role
from pult.accounts.models import Membership
from pult.api.schemas import MAX_ID
from pult.api.services import api_token_create
from pult.calendars.reminders import reminder_set
from pult.chat.services import message_post
from pult.documents.document_services import document_add
from pult.parties import client_services
from pult.parties.permissions import MANAGE_CLIENTS, VIEW_CLIENTS
from pult.work.models import Stage, Transition
from tests.documents.conftest import pdf_bytes, upload
from tests.factories import make_role
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("PULT_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    negative_data_rejection,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
_KEY = re.compile(r"[-a-zA-Z0-9_]+")


@dataclass
class World:
    """Who calls, and the rows that exist: most generated ids and keys are mapped onto
    real ones, so the fuzz gets past the 404 into the endpoints."""

    identities: list[dict[str, str]]
    real: dict[str, list[Any]]  # parameter name → values that exist


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, which would
    end the test's transaction; Django's test client unhooks the same handler."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _bearer(user: Any, desk: Desk) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, workspace=desk.workspace, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def world(desk: Desk, keep_connection: None) -> World:
    workspace, head = desk.workspace, desk.head
    clients_role = make_role(workspace, [VIEW_CLIENTS, MANAGE_CLIENTS], name="Client base")
    Membership.objects.get(workspace=workspace, user=head).roles.add(clients_role)
    first = desk.submit(title="Summer poster")
    second = desk.submit(desk.neighbour, title="Autumn leaflet")
    message_post(actor=desk.applicant, workspace=workspace, item_id=first.pk, body="Which logo?")
    reminder = reminder_set(
        actor=head,
        workspace=workspace,
        user=head,
        at=timezone.now() + timedelta(days=1),
        text="Call the printer",
        target=first,
    )
    client = client_services.client_create(actor=head, workspace=workspace, name="Zavod LLC")
    contact = client_services.contact_add(
        actor=head, workspace=workspace, client_id=client.pk, full_name="Ivan Petrov"
    )
    contract = client_services.contract_create(
        actor=head, workspace=workspace, client_id=client.pk, number="C-1"
    )
    document = document_add(
        actor=head,
        workspace=workspace,
        upload=upload("contract.pdf", pdf_bytes()),
        contract_id=contract.pk,
    )
    keys = [t.key for t in Transition.objects.filter(item_type=first.item_type)]
    keys += [s.key for s in Stage.objects.filter(item_type=first.item_type)]
    return World(
        identities=[_bearer(desk.applicant, desk), _bearer(head, desk)],
        real={
            "item_id": [first.pk, second.pk],
            "role_id": list(Role.objects.filter(workspace=workspace).values_list("pk", flat=True)),
            "reminder_id": [reminder.pk],
            "client_id": [client.pk],
            "contact_id": [contact.pk],
            "contract_id": [contract.pk],
            "document_id": [document.pk],
            "version_id": list(document.versions.values_list("pk", flat=True)),
            "key": keys,
            "item_type": [first.item_type_id],
            "outlet": [desk.outlet.pk],
            "requester": [desk.applicant.pk],
            "assignee": [desk.designer.pk],
            "manager": [head.pk],
        },
    )


def _allowed(value: Any, like: Any) -> bool:
    """A value the schema allows for an id or a key, of the type of the real ones: a
    negative case keeps its bad value (and stays negative)."""
    if type(value) is not type(like):
        return False
    if isinstance(value, int):
        return 1 <= value <= MAX_ID
    return isinstance(value, str) and len(value) <= 60 and bool(_KEY.fullmatch(value))


def _real(world: World, parameters: dict[str, Any] | None) -> dict[str, Any] | None:
    """Three in four allowed ids and keys become real ones (the fourth stays as
    generated, to keep the 404 side covered)."""
    if not parameters:
        return parameters
    mapped = dict(parameters)
    for name, value in parameters.items():
        pool = world.real.get(name)
        if pool and _allowed(value, pool[0]) and (seed := zlib.crc32(str(value).encode())) % 4:
            mapped[name] = pool[seed % len(pool)]
    return mapped


# Loaded as the app serves it (the OpenAPI view reads no database). The credentials
# are the two people's tokens: a generated (or broken) Authorization header would be
# replaced by them, turning a negative case into a positive one.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(with_security_parameters=False)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not os.environ.get("PULT_FUZZ_RANDOM"),
    suppress_health_check=list(HealthCheck),
)
def test_the_api_holds_to_its_schema(case: Any, world: World) -> None:
    case.path_parameters = _real(world, case.path_parameters)
    case.query = _real(world, case.query)
    for headers in world.identities:
        case.call_and_validate(headers=headers, checks=CHECKS)
