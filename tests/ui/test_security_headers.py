"""Headers every page carries: a Content-Security-Policy whose sockets stay on our own
host, and a Permissions-Policy switching off the browser features Pult never uses."""

from __future__ import annotations

import pytest
from django.test import Client

from pult.core.middleware import permissions_policy_header
from tests.factories import make_workspace


def _directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.django_db
@pytest.mark.parametrize("logged_in", [False, True], ids=["login-page", "overview"])
def test_pages_carry_csp_and_permissions_policy(client: Client, logged_in: bool) -> None:
    if logged_in:
        _workspace, admin = make_workspace()
        client.force_login(admin)
        response = client.get("/")
    else:
        response = client.get("/accounts/login/")
    assert response.status_code == 200

    csp = _directives(response["Content-Security-Policy"])
    # 'self' covers ws:/wss: on the same host (CSP Level 3); bare schemes would allow any.
    assert csp["connect-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]

    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy.split(", ")
    assert "interest-cohort" not in policy  # withdrawn; browsers report it as an error


@pytest.mark.django_db
def test_the_permissions_policy_also_goes_out_on_errors_and_api_answers(client: Client) -> None:
    for response in (client.get("/no-such-page/"), client.get("/api/v1/openapi.json")):
        assert "camera=()" in response["Permissions-Policy"]


def test_permissions_policy_syntax() -> None:
    header = permissions_policy_header(
        {"camera": [], "fullscreen": ["self"], "autoplay": ["*"], "usb": ["https://a.example"]}
    )
    assert header == 'camera=(), fullscreen=(self), autoplay=*, usb=("https://a.example")'
