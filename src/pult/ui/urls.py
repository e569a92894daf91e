from django.urls import path

from pult.ui import views

app_name = "ui"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
]
