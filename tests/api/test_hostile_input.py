"""Hostile input over the API: refused with the usual error body, nothing written.

A lone surrogate cannot be stored as UTF-8, control characters break what reads the
text later, and an integer past 64 bits does not fit a database column: each must be
a 400/404/422 naming the problem, never a 500 and never a row.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client as HttpClient

from pult.accounts.models import User
from pult.api.services import api_token_create
from pult.chat.models import Message
from pult.parties.models import Client, ContactPerson, Contract
from pult.work.models import Item
from tests.parties.clients_fixtures import Base, base  # noqa: F401
from tests.work.conftest import TASK, Desk

pytestmark = pytest.mark.django_db

TOO_BIG = 2**63  # one past the largest bigint
HUGE = 10**22


def _bearer(user: User, workspace: Any) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, workspace=workspace, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _send(http: HttpClient, method: str, url: str, auth: dict[str, str], body: Any) -> Any:
    # json.dumps escapes a lone surrogate as \ud800, as a hostile client would send it.
    return getattr(http, method)(url, json.dumps(body), content_type="application/json", **auth)


def _assert_refused(response: Any, *statuses: int) -> dict[str, Any]:
    assert response.status_code in (statuses or (400, 404, 422)), response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return dict(error)


def _counts(*models: type[Model]) -> list[int]:
    return [m.objects.count() for m in models]


BAD_TEXT = {
    "surrogate": "x\ud800y",
    "bell": "Summer\u0007poster",
    "nul": "Summer\u0000poster",
    "escape": "\u001b[31mred",
    "c1": "Summer\u0085poster",
}


# --- Items (an applicant of the design desk) -------------------------------------------


def _item_body(desk: Desk, **changes: Any) -> dict[str, Any]:
    return {
        "item_type": "design-request",
        "title": "Menu",
        "values": TASK,
        "outlet": desk.outlet.pk,
        **changes,
    }


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_an_item_title_with_bad_text_is_refused(client: HttpClient, desk: Desk, text: str) -> None:
    auth = _bearer(desk.applicant, desk.workspace)
    response = _send(client, "post", "/api/v1/items", auth, _item_body(desk, title=text))
    error = _assert_refused(response)
    assert "title" in error["fields"]
    assert not Item.objects.exists()


@pytest.mark.parametrize("text", ["Two\nlines", "Tab\there", "Carriage\rreturn"])
def test_an_item_title_is_one_line(client: HttpClient, desk: Desk, text: str) -> None:
    auth = _bearer(desk.applicant, desk.workspace)
    response = _send(client, "post", "/api/v1/items", auth, _item_body(desk, title=text))
    assert "title" in _assert_refused(response)["fields"]
    assert not Item.objects.exists()


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_a_field_value_with_bad_text_is_refused(client: HttpClient, desk: Desk, text: str) -> None:
    auth = _bearer(desk.applicant, desk.workspace)
    body = _item_body(desk, values={**TASK, "wishes": text})
    _assert_refused(_send(client, "post", "/api/v1/items", auth, body))
    assert not Item.objects.exists()


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_a_message_with_bad_text_is_refused(client: HttpClient, desk: Desk, text: str) -> None:
    item = desk.submit()
    auth = _bearer(desk.applicant, desk.workspace)
    url = f"/api/v1/items/{item.pk}/messages"
    before = _counts(Message)
    error = _assert_refused(_send(client, "post", url, auth, {"body": text}))
    assert "body" in error["fields"]
    assert _counts(Message) == before


def test_a_message_may_have_several_lines(client: HttpClient, desk: Desk) -> None:
    item = desk.submit()
    auth = _bearer(desk.applicant, desk.workspace)
    url = f"/api/v1/items/{item.pk}/messages"
    response = _send(client, "post", url, auth, {"body": "Hello,\r\n\tthe logo\nis old"})
    assert response.status_code == 201, response.content


# --- Me ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_my_name_with_bad_text_is_refused(client: HttpClient, desk: Desk, text: str) -> None:
    auth = _bearer(desk.applicant, desk.workspace)
    response = _send(client, "patch", "/api/v1/me", auth, {"full_name": text})
    assert "full_name" in _assert_refused(response)["fields"]
    desk.applicant.refresh_from_db()
    assert desk.applicant.full_name == "Alla Applicant"


@pytest.mark.parametrize("body", [[None, None], "x", 1, None, [], ["full_name"]])
def test_my_profile_takes_an_object_only(client: HttpClient, desk: Desk, body: Any) -> None:
    auth = _bearer(desk.applicant, desk.workspace)
    _assert_refused(_send(client, "patch", "/api/v1/me", auth, body))
    desk.applicant.refresh_from_db()
    assert desk.applicant.full_name == "Alla Applicant"


def test_a_body_that_is_not_json_is_refused(client: HttpClient, desk: Desk) -> None:
    auth = _bearer(desk.applicant, desk.workspace)
    response = client.patch("/api/v1/me", b"{nope", content_type="application/json", **auth)
    _assert_refused(response, 400)


# --- Clients (a client manager) ----------------------------------------------------------


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_a_client_name_with_bad_text_is_refused(
    client: HttpClient,
    base: Base,  # noqa: F811
    text: str,
) -> None:
    auth = _bearer(base.manager, base.workspace)
    response = _send(client, "post", "/api/v1/clients", auth, {"name": text})
    assert "name" in _assert_refused(response)["fields"]
    assert not Client.objects.exists()


def test_a_client_manager_past_64_bits_is_refused(
    client: HttpClient,
    base: Base,  # noqa: F811
) -> None:
    auth = _bearer(base.manager, base.workspace)
    for manager in (HUGE, -HUGE, TOO_BIG, 0):
        response = _send(
            client, "post", "/api/v1/clients", auth, {"name": "Acme", "manager": manager}
        )
        assert "manager" in _assert_refused(response)["fields"]
    assert not Client.objects.exists()


# --- Integers past 64 bits in paths, filters and bodies ------------------------------------

BIG_IDS = [str(TOO_BIG), "99999999999999999999", str(-HUGE)]

PATHS = [
    "/api/v1/items/{}",
    "/api/v1/items/{}/stages",
    "/api/v1/items/{}/messages",
    "/api/v1/items/{}/attachments",
    "/api/v1/items/{}/documents",
    "/api/v1/clients/{}",
    "/api/v1/clients/{}/contacts",
    "/api/v1/clients/{}/contracts",
    "/api/v1/contracts/{}/documents",
    "/api/v1/documents/{}",
    "/api/v1/roles/{}",
    "/api/v1/document-versions/{}/file",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("big", BIG_IDS)
def test_a_path_id_past_64_bits_is_refused(
    client: HttpClient, desk: Desk, path: str, big: str
) -> None:
    response = client.get(path.format(big), **_bearer(desk.head, desk.workspace))
    # Refused by the id's type, naming the parameter, before any query runs.
    assert len(_assert_refused(response, 422)["fields"]) == 1


WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("post", "/api/v1/items/{}/messages", {"body": "Hi"}),
    ("post", "/api/v1/items/{}/urgent", {"urgent": True}),
    ("patch", "/api/v1/items/{}/values", {"values": {}}),
    ("post", "/api/v1/items/{}/transitions/accept", {}),
    ("post", "/api/v1/items/{}/stages/design/sign", {}),
    ("patch", "/api/v1/clients/{}", {"name": "Acme"}),
    ("post", "/api/v1/clients/{}/archive", {}),
    ("post", "/api/v1/clients/{}/contacts", {"full_name": "Ivan"}),
    ("patch", "/api/v1/contacts/{}", {"full_name": "Ivan"}),
    ("delete", "/api/v1/contacts/{}", {}),
    ("patch", "/api/v1/contracts/{}", {"number": "1"}),
    ("patch", "/api/v1/documents/{}", {"title": "T"}),
    ("delete", "/api/v1/documents/{}", {}),
    ("delete", "/api/v1/reminders/{}", {}),
    ("post", "/api/v1/notifications/{}/read", {}),
    ("delete", "/api/v1/roles/{}", {}),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), WRITES, ids=[f"{m} {p}" for m, p, _b in WRITES]
)
def test_a_write_to_an_id_past_64_bits_is_refused(
    client: HttpClient, desk: Desk, method: str, path: str, body: dict[str, Any]
) -> None:
    before = _counts(Item, Message, Client, ContactPerson, Contract)
    response = _send(client, method, path.format(TOO_BIG), _bearer(desk.head, desk.workspace), body)
    _assert_refused(response, 422)
    assert _counts(Item, Message, Client, ContactPerson, Contract) == before


QUERIES = [
    "/api/v1/items?outlet={}",
    "/api/v1/items?requester={}",
    "/api/v1/items?assignee={}",
    "/api/v1/items?brand={}",
    "/api/v1/items?item_type={}",
    "/api/v1/items?cursor={}",
    "/api/v1/items?limit={}",
    "/api/v1/clients?manager={}",
    "/api/v1/clients?cursor={}",
    "/api/v1/clients?limit={}",
    "/api/v1/roles?cursor={}",
    "/api/v1/notifications?cursor={}",
    "/api/v1/notifications?limit={}",
    "/api/v1/items/{item}/messages?before={}",
    "/api/v1/items/{item}/messages?after={}",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("big", [str(TOO_BIG), str(-HUGE)])
def test_a_filter_past_64_bits_is_refused(
    client: HttpClient, desk: Desk, query: str, big: str
) -> None:
    url = query.replace("{item}", str(desk.submit().pk)).format(big)
    name = query.rpartition("?")[2].partition("=")[0]
    error = _assert_refused(client.get(url, **_bearer(desk.head, desk.workspace)), 422)
    assert list(error["fields"]) == [name]


@pytest.mark.parametrize("limit", ["0", "-1", "201"])
def test_a_page_size_out_of_bounds_is_refused(client: HttpClient, desk: Desk, limit: str) -> None:
    auth = _bearer(desk.head, desk.workspace)
    for url in ("/api/v1/items", "/api/v1/clients", "/api/v1/roles", "/api/v1/notifications"):
        assert "limit" in _assert_refused(client.get(url, {"limit": limit}, **auth), 422)["fields"]


@pytest.mark.parametrize(
    "field", ["outlet", "client_id", "contract_id", "manager_id"], ids=lambda f: f
)
def test_an_item_body_id_past_64_bits_is_refused(
    client: HttpClient, desk: Desk, field: str
) -> None:
    auth = _bearer(desk.applicant, desk.workspace)
    response = _send(client, "post", "/api/v1/items", auth, _item_body(desk, **{field: TOO_BIG}))
    assert field in _assert_refused(response)["fields"]
    assert not Item.objects.exists()


@pytest.mark.parametrize("field", ["client_id", "item_id"])
def test_a_reminder_target_past_64_bits_is_refused(
    client: HttpClient, desk: Desk, field: str
) -> None:
    from pult.calendars.models import Reminder

    auth = _bearer(desk.head, desk.workspace)
    body = {"at": "2999-01-01T10:00:00Z", "text": "Call", field: TOO_BIG}
    _assert_refused(_send(client, "post", "/api/v1/reminders", auth, body))
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("query", ["q", "city", "f_texts", "status"])
@pytest.mark.parametrize("text", ["a\x00b", "a\x07b"], ids=["nul", "bell"])
def test_a_filter_with_a_control_character_is_refused(
    client: HttpClient, desk: Desk, query: str, text: str
) -> None:
    auth = _bearer(desk.head, desk.workspace)
    error = _assert_refused(client.get("/api/v1/items", {query: text}, **auth), 422)
    assert list(error["fields"]) == [query]


# --- Dates, moments, sums and types past what the schema declares ----------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reminders?since=9999-12-31",  # was a 500: the default range ran past 9999
        "/api/v1/reminders?until=9999-12-31",
        "/api/v1/reminders?since=1700000000",  # seconds since 1970, not a date
        "/api/v1/items?due_to=9999-12-31",
        "/api/v1/items?submitted_from=0001-01-01",
        "/api/v1/items?submitted_to=0",
        "/api/v1/items?due_from=-9.6985210620299e-155",  # found by the fuzz
    ],
)
def test_a_day_out_of_range_is_refused(client: HttpClient, desk: Desk, url: str) -> None:
    name = url.rpartition("?")[2].partition("=")[0]
    response = client.get(url, **_bearer(desk.head, desk.workspace))
    assert list(_assert_refused(response, 422)["fields"]) == [name]


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-12:00", 1900000000, "1900000000", None])
def test_a_reminder_moment_out_of_range_is_refused(client: HttpClient, desk: Desk, at: Any) -> None:
    from pult.calendars.models import Reminder

    auth = _bearer(desk.head, desk.workspace)
    response = _send(client, "post", "/api/v1/reminders", auth, {"at": at, "text": "Call"})
    assert "at" in _assert_refused(response, 422)["fields"]
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("amount", ["NaN", "Infinity", 1e20, "1e400", "12.345", True, "lots"])
def test_a_contract_sum_out_of_range_is_refused(
    client: HttpClient,
    base: Base,  # noqa: F811
    amount: Any,
) -> None:
    from pult.parties import client_services

    company = client_services.client_create(actor=base.manager, workspace=base.workspace, name="A")
    auth = _bearer(base.manager, base.workspace)
    url = f"/api/v1/clients/{company.pk}/contracts"
    response = _send(client, "post", url, auth, {"number": "C-1", "amount": amount})
    assert "amount" in _assert_refused(response, 422)["fields"]
    assert not Contract.objects.exists()


def test_a_next_contact_past_year_9999_is_refused(
    client: HttpClient,
    base: Base,  # noqa: F811
) -> None:
    auth = _bearer(base.manager, base.workspace)
    body = {"name": "Acme", "next_contact_at": "9999-12-31T23:59:59-12:00"}
    response = _send(client, "post", "/api/v1/clients", auth, body)
    assert "next_contact_at" in _assert_refused(response, 422)["fields"]
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("urgent", {"urgent": 0}),
        ("urgent", {"urgent": "true"}),
        ("messages", {"body": "Hi", "internal": 1}),
        ("messages", {"body": 42}),
        ("values", {"values": ["wishes", "x"]}),
    ],
)
def test_a_body_of_the_wrong_types_is_refused(
    client: HttpClient, desk: Desk, path: str, body: dict[str, Any]
) -> None:
    """JSON says what type a value is: 0 is not false, "7" is not 7."""
    item = desk.submit()
    auth = _bearer(desk.head, desk.workspace)
    method = "patch" if path == "values" else "post"
    before = _counts(Message)
    response = _send(client, method, f"/api/v1/items/{item.pk}/{path}", auth, body)
    assert set(_assert_refused(response, 422)["fields"]) <= {"urgent", "internal", "body", "values"}
    assert _counts(Message) == before
    item.refresh_from_db()
    assert item.urgent_at is None


# --- Form fields of an upload ------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text"),
    [("title", "Two\nlines"), ("title", "a\x00b"), ("note", "a\x07b"), ("kind", "a\x00")],
)
def test_an_upload_with_bad_text_is_refused(
    client: HttpClient, desk: Desk, field: str, text: str
) -> None:
    from pult.documents.models import Attachment

    item = desk.submit()
    url = f"/api/v1/items/{item.pk}/" + ("attachments" if field == "kind" else "documents")
    upload = SimpleUploadedFile("menu.txt", b"Summer menu", "text/plain")
    auth = _bearer(desk.head, desk.workspace)
    response = client.post(url, {"file": upload, field: text}, **auth)
    assert field in _assert_refused(response)["fields"]
    assert not Attachment.objects.exists()


# --- The rules hold for every operation ------------------------------------------------------


def _operations() -> list[tuple[str, str, Any]]:
    from pult.api.urls import api

    return [
        (method, path, operation)
        for _prefix, router in api._routers
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    ]


def test_every_body_is_an_object_whose_text_is_checked() -> None:
    from pult.api.schemas import In

    bodies = [
        (f"{method} {path}", field.annotation)
        for method, path, operation in _operations()
        for model in operation.models
        if model.__ninja_param_source__ == "body"
        for field in model.model_fields.values()
    ]
    assert bodies
    assert [name for name, schema in bodies if not issubclass(schema, In)] == []


def test_every_integer_parameter_is_bounded_and_every_error_declared() -> None:
    from pult.api.schemas import MAX_ID
    from pult.api.urls import api

    document = api.get_openapi_schema()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                for option in schema.get("anyOf", [schema]):
                    if option.get("type") == "integer":
                        assert option["minimum"] >= 1 and option["maximum"] <= MAX_ID, (
                            method,
                            path,
                            parameter["name"],
                        )
            expected = {"400", "401", "403", "404", "422"}
            if method != "get":
                expected.add("409")
            assert expected <= {str(code) for code in operation["responses"]}, (method, path)
