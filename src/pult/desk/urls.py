from django.urls import path

from pult.desk import views

app_name = "desk"

urlpatterns = [
    path("items/queue/", views.queue, name="queue"),
    path("items/queue/take/", views.take_next, name="take_next"),
    path("items/queue/auto-assign/", views.auto_assign_toggle, name="auto_assign"),
    path("items/mine/", views.track, name="track"),
    path("items/mine/rows/", views.track_rows, name="track_rows"),
]
