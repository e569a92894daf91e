from django.urls import path

from pult.access import views

app_name = "access"

urlpatterns = [
    path("roles/", views.role_matrix, name="roles"),
    path("roles/new/", views.role_create, name="role_create"),
    path("roles/<int:role_id>/", views.role_edit, name="role_edit"),
    path("roles/<int:role_id>/delete/", views.role_delete, name="role_delete"),
]
