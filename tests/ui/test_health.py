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
