from django.urls import path

from pult.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/<int:notification_id>/read/", views.mark_read, name="mark_read"),
    path("notifications/read-all/", views.mark_all_read, name="mark_all_read"),
    path("notifications/settings/", views.preferences, name="preferences"),
    path("notifications/rules/", views.rules, name="rules"),
    path("notifications/rules/new/", views.rule_edit, name="rule_create"),
    path("notifications/rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("notifications/rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
]
