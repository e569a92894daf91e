from django.urls import path

from pult.chat import views

app_name = "chat"

urlpatterns = [
    path("items/<int:item_id>/chat/", views.post, name="post"),
    path("items/<int:item_id>/chat/messages/", views.messages_list, name="messages"),
    path("items/<int:item_id>/chat/export.csv", views.export, name="export"),
]
