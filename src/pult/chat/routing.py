"""WebSocket routes of the chat; pult.config.routing adds them to the socket router."""

from django.urls import path

from pult.chat.consumers import ItemChatConsumer

websocket_urlpatterns = [
    path("ws/items/<int:item_id>/chat/", ItemChatConsumer.as_asgi()),
]
