from django.urls import path

from pult.chat.routing import websocket_urlpatterns as chat_websocket_urlpatterns
from pult.notifications.consumers import InboxConsumer
from pult.work.consumers import QueueConsumer

websocket_urlpatterns = [
    path("ws/inbox/", InboxConsumer.as_asgi()),
    path("ws/queue/", QueueConsumer.as_asgi()),
    *chat_websocket_urlpatterns,
]
