from typing import Any

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_reports_database_tasks_and_channel_layer(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"]["ok"] and body["database"]["detail"] in {"postgresql", "sqlite"}
    assert body["tasks"]["detail"]["backend"] == "DatabaseBackend"
    assert body["channel_layer"]["ok"] and body["channel_layer"]["detail"] == "InMemoryChannelLayer"


@pytest.mark.django_db
def test_healthz_uses_redis_channel_layer_when_configured(client: Client, settings: Any) -> None:
    import os

    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")]},
        }
    }
    channel_layers.backends.clear()
    try:
        body = client.get("/healthz").json()
    finally:
        channel_layers.backends.clear()
    assert body["channel_layer"] == {
        **body["channel_layer"],
        "ok": True,
        "detail": "RedisChannelLayer",
    }


@pytest.mark.django_db
def test_healthz_fails_when_the_channel_layer_is_down(client: Client, settings: Any) -> None:
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["channel_layer"]["ok"] is False


# --- who learns what (issue 12) --------------------------------------------------
# The test client's default REMOTE_ADDR is 127.0.0.1 (a probe on this machine), which
# is why the tests above see the details.

NAMES = ("postgresql", "sqlite", "Backend", "Layer", "ready", "detail")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "meta",
    [
        {"REMOTE_ADDR": "203.0.113.7"},
        # Loopback, but forwarded by a proxy Pult was not told about (no BEHIND_PROXY).
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"},
        # A remote client claiming to be on loopback.
        {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "127.0.0.1"},
    ],
    ids=["remote", "through-a-proxy", "forged-loopback"],
)
def test_anyone_learns_only_whether_each_part_is_up(client: Client, meta: dict[str, str]) -> None:
    response = client.get("/healthz", **meta)
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "database": {"ok": True},
        "tasks": {"ok": True},
        "channel_layer": {"ok": True},
    }
    for name in NAMES:
        assert name not in response.content.decode()


@pytest.mark.django_db
def test_behind_the_proxy_its_clients_learn_only_the_status(client: Client, settings: Any) -> None:
    settings.BEHIND_PROXY, settings.FORWARDED_ALLOW_IPS, settings.PROXY_COUNT = (
        True,
        ["127.0.0.1"],
        1,
    )
    via_proxy = client.get("/healthz", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="::1")
    assert via_proxy.json()["database"] == {"ok": True}
    # A probe on the proxy's host asking Pult directly still gets the details.
    direct = client.get("/healthz", REMOTE_ADDR="127.0.0.1")
    assert direct.json()["database"]["detail"] in {"postgresql", "sqlite"}


@pytest.mark.django_db
def test_the_installation_admin_sees_the_details_from_anywhere(client: Client) -> None:
    from tests.factories import make_admin

    client.force_login(make_admin())
    body = client.get("/healthz", REMOTE_ADDR="203.0.113.7").json()
    assert body["database"]["detail"] in {"postgresql", "sqlite"}
    assert body["tasks"]["detail"]["backend"] == "DatabaseBackend"
    assert body["channel_layer"]["detail"] == "InMemoryChannelLayer"


@pytest.mark.django_db
def test_a_member_who_is_not_the_admin_sees_no_details(client: Client) -> None:
    from tests.factories import make_member, make_workspace

    workspace, _admin = make_workspace()
    client.force_login(make_member(workspace, []))
    body = client.get("/healthz", REMOTE_ADDR="203.0.113.7").json()
    assert body["database"] == {"ok": True}


@pytest.mark.django_db
def test_a_failure_shows_no_error_text_to_anyone(
    client: Client, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        response = client.get("/healthz", REMOTE_ADDR="203.0.113.7")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["ok"] is False
    assert response.json()["channel_layer"] == {"ok": False}
    assert "Error" not in response.content.decode()
    assert "health check _channel_layer failed" in caplog.text  # the reason is in the log
