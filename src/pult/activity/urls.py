from django.urls import path

from pult.activity import views

app_name = "activity"

urlpatterns = [path("activity/", views.feed, name="feed")]
