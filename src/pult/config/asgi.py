"""ASGI entry point: HTTP through Django, WebSockets through Channels, one server."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pult.config.settings")

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator

from pult.core.streaming import streaming_asgi_application

# Downloads, exports and static files stream chunk by chunk (see core/streaming.py).
django_application = streaming_asgi_application()

from pult.config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# What is loaded by now (Django, the apps, the URLs, the templates' libraries) lives as
# long as the worker: keep it out of the garbage collector's full passes, which a busy
# worker runs every few seconds over every object it holds (they showed as the pages'
# p99, ~110 ms against a p50 of ~40).
gc.freeze()
