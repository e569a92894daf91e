"""The client's address for the login lockout: a forged X-Forwarded-For buys nothing.

Issue 12: `pult run` believed forwarded headers from any loopback client, so one could
name a new address for each guess and never be locked out. Now the header counts only
with BEHIND_PROXY, from FORWARDED_ALLOW_IPS, at the entry PROXY_COUNT points at; and
`pult run` starts uvicorn to match.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from pult.core.management.commands.run import uvicorn_command
from pult.core.network import client_address, is_local_request
from tests.factories import PASSWORD, make_member, make_workspace

ATTACKER = "203.0.113.7"


def _login(client: Client, email: str, password: str, peer: str, forwarded: str = "") -> Any:
    meta = {"REMOTE_ADDR": peer}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": email, "password": password}, **meta)


@pytest.fixture
def behind_proxy(settings: Any) -> Any:
    """What BEHIND_PROXY=1 (FORWARDED_ALLOW_IPS and PROXY_COUNT at their defaults) sets."""
    settings.BEHIND_PROXY = True
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "::1"]
    settings.PROXY_COUNT = 1
    return settings


# --- the lockout --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("peer", [ATTACKER, "127.0.0.1"], ids=["remote", "loopback"])
def test_a_forged_forwarded_for_on_a_direct_connection_changes_nothing(
    client: Client, peer: str
) -> None:
    workspace, _admin = make_workspace()
    user = make_member(workspace, [])
    for n in range(5):  # AXES_FAILURE_LIMIT, each guess claiming another address
        _login(client, user.email, "wrong-password", peer, forwarded=f"198.51.100.{n}")
    for forged in ("198.51.100.77", "198.51.100.78, 192.0.2.1", "::1"):
        locked = _login(client, user.email, PASSWORD, peer, forwarded=forged)
        assert locked.status_code == 429
        assert "_auth_user_id" not in client.session
    # The lockout is keyed on the connection's own address: another one is not locked.
    assert _login(Client(), user.email, PASSWORD, "192.0.2.50").status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_the_address_it_appended_is_the_client(
    client: Client, behind_proxy: Any
) -> None:
    workspace, _admin = make_workspace()
    user = make_member(workspace, [])
    # nginx on the same host: peer 127.0.0.1, the client's forgery left of what nginx
    # appended ($proxy_add_x_forwarded_for).
    for n in range(5):
        _login(client, user.email, "wrong-password", "127.0.0.1", f"10.9.9.{n}, {ATTACKER}")
    still = _login(client, user.email, PASSWORD, "127.0.0.1", f"192.0.2.1, {ATTACKER}")
    assert still.status_code == 429
    # The header from the proxy is honoured: a different client is a different address.
    other = _login(Client(), user.email, PASSWORD, "127.0.0.1", "198.51.100.20")
    assert other.status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_a_header_from_anyone_else_is_ignored(
    client: Client, behind_proxy: Any
) -> None:
    workspace, _admin = make_workspace()
    user = make_member(workspace, [])
    for n in range(5):  # straight to Pult, around the proxy
        _login(client, user.email, "wrong-password", ATTACKER, forwarded=f"198.51.100.{n}")
    assert _login(client, user.email, PASSWORD, ATTACKER, "198.51.100.99").status_code == 429


# --- the one helper ---------------------------------------------------------------


def _address(peer: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_without_a_proxy_the_peer_is_the_client(settings: Any) -> None:
    settings.BEHIND_PROXY = False
    assert _address("127.0.0.1", "198.51.100.1") == "127.0.0.1"
    assert _address("::ffff:192.0.2.1") == "192.0.2.1"  # one client, one key
    assert _address("") is None


@pytest.mark.parametrize(
    ("peer", "forwarded", "count", "expected"),
    [
        ("127.0.0.1", "198.51.100.1", 1, "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", 1, "198.51.100.1"),
        ("::1", "[2001:db8::1]:4711", 1, "2001:db8::1"),
        ("127.0.0.1", "198.51.100.1:4711", 1, "198.51.100.1"),
        # A load balancer in front of nginx: the client is two entries from the right.
        ("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2", 2, "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1", 2, "198.51.100.1"),  # came in past the balancer
        ("127.0.0.1", "", 1, "127.0.0.1"),  # the proxy's host itself
        ("127.0.0.1", "unknown", 1, "127.0.0.1"),  # not an address: count the proxy
        ("10.1.2.3", "198.51.100.1", 1, "10.1.2.3"),  # not a configured proxy
    ],
)
def test_behind_a_proxy_the_entry_proxy_count_points_at_is_the_client(
    behind_proxy: Any, peer: str, forwarded: str, count: int, expected: str
) -> None:
    behind_proxy.PROXY_COUNT = count
    assert _address(peer, forwarded) == expected


def test_forwarded_allow_ips_takes_networks(behind_proxy: Any) -> None:
    behind_proxy.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    assert _address("10.1.2.3", "198.51.100.1") == "198.51.100.1"
    assert _address("127.0.0.1", "198.51.100.1") == "127.0.0.1"


def test_a_local_request_is_loopback_and_not_forwarded(settings: Any) -> None:
    factory = RequestFactory()
    assert is_local_request(factory.get("/", REMOTE_ADDR="127.0.0.1"))
    assert is_local_request(factory.get("/", REMOTE_ADDR="::1"))
    assert not is_local_request(factory.get("/", REMOTE_ADDR=ATTACKER))
    # Without BEHIND_PROXY a loopback peer carrying a forwarded header is a proxy that
    # Pult was not told about: what it forwards is not local.
    forwarded = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER)
    assert not is_local_request(forwarded)
    settings.BEHIND_PROXY, settings.FORWARDED_ALLOW_IPS, settings.PROXY_COUNT = (
        True,
        ["127.0.0.1"],
        1,
    )
    assert not is_local_request(forwarded)
    forged = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert not is_local_request(forged)


# --- `pult run` ---------------------------------------------------------------------


def _uvicorn_options(argv: list[str]) -> dict[str, Any]:
    """The options uvicorn's own command line parses from argv (no server started)."""
    from uvicorn.main import main

    assert argv[1:3] == ["-m", "uvicorn"]
    return dict(main.make_context("uvicorn", argv[3:]).params)


def test_pult_run_ignores_forwarded_headers_by_default(settings: Any) -> None:
    settings.BEHIND_PROXY, settings.FORWARDED_ALLOW_IPS = False, []
    argv = uvicorn_command(host="127.0.0.1", port=8000, workers=2)
    assert "--no-proxy-headers" in argv
    assert "--proxy-headers" not in argv and "--forwarded-allow-ips" not in argv
    options = _uvicorn_options(argv)
    assert options["proxy_headers"] is False
    assert options["workers"] == 2


def test_pult_run_trusts_only_the_configured_proxies_behind_a_proxy(behind_proxy: Any) -> None:
    behind_proxy.FORWARDED_ALLOW_IPS = ["10.0.0.5", "10.0.1.0/24"]
    argv = uvicorn_command(host="127.0.0.1", port=8000, workers=4)
    at = argv.index("--proxy-headers")
    assert argv[at : at + 3] == ["--proxy-headers", "--forwarded-allow-ips", "10.0.0.5,10.0.1.0/24"]
    assert "--no-proxy-headers" not in argv
    options = _uvicorn_options(argv)
    assert options["proxy_headers"] is True
    assert options["forwarded_allow_ips"] == "10.0.0.5,10.0.1.0/24"


def test_the_default_proxy_is_this_machine() -> None:
    # Settings are read from the environment once, in a fresh process as `pult` does.
    import json
    import os
    import subprocess
    import sys

    probe = (
        "import json, pult.config.settings as s; "
        "print(json.dumps([s.BEHIND_PROXY, s.FORWARDED_ALLOW_IPS, s.PROXY_COUNT]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"FORWARDED_ALLOW_IPS", "PROXY_COUNT"}}

    def read(**extra: str) -> list[Any]:
        out = subprocess.run(
            [sys.executable, "-c", probe],
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        return list(json.loads(out.strip().splitlines()[-1]))

    assert read(BEHIND_PROXY="1") == [True, ["127.0.0.1", "::1"], 1]
    assert read(BEHIND_PROXY="0", FORWARDED_ALLOW_IPS="*") == [False, [], 0]


def _client_uvicorn_hands_on(argv: list[str], peer: str, forwarded: str) -> str:
    """The client address the application gets from uvicorn configured by argv."""
    import asyncio

    import uvicorn

    options = _uvicorn_options(argv)
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen["client"] = scope["client"]

    config = uvicorn.Config(
        app,
        proxy_headers=options["proxy_headers"],
        forwarded_allow_ips=options["forwarded_allow_ips"],
        lifespan="off",
        log_config=None,
    )
    config.load()
    scope = {
        "type": "http",
        "client": (peer, 50000),
        "headers": [(b"x-forwarded-for", forwarded.encode())],
    }
    asyncio.run(config.loaded_app(scope, None, None))
    return str(seen["client"][0])


def test_uvicorn_as_pult_run_starts_it_keeps_the_real_peer(settings: Any) -> None:
    settings.BEHIND_PROXY, settings.FORWARDED_ALLOW_IPS = False, []
    argv = uvicorn_command(host="127.0.0.1", port=8000, workers=1)
    # uvicorn's own default would have handed the application 198.51.100.1 here.
    assert _client_uvicorn_hands_on(argv, "127.0.0.1", "198.51.100.1") == "127.0.0.1"


def test_uvicorn_behind_the_proxy_and_pult_agree_on_the_client(behind_proxy: Any) -> None:
    argv = uvicorn_command(host="127.0.0.1", port=8000, workers=1)
    chain = f"6.6.6.6, {ATTACKER}"  # a forgery, then what nginx appended
    rewritten = _client_uvicorn_hands_on(argv, "127.0.0.1", chain)
    assert rewritten == ATTACKER
    # Pult reads the address again from what uvicorn handed on: the same answer.
    assert _address(rewritten, chain) == ATTACKER
    assert _address("127.0.0.1", chain) == ATTACKER  # a server that did not rewrite
    # Straight to uvicorn from elsewhere: the header is not believed.
    assert _client_uvicorn_hands_on(argv, "192.0.2.9", "6.6.6.6") == "192.0.2.9"
