from django.urls import path

from pult.calendars import agenda_views, views

app_name = "calendars"

urlpatterns = [
    path("calendar/", views.calendar_edit, name="calendar"),
    path("calendar/hours/<int:weekday>/", views.hours_set, name="hours_set"),
    path("calendar/days/", views.exception_set, name="exception_set"),
    path("calendar/days/<str:day>/clear/", views.exception_clear, name="exception_clear"),
    path("calendar/holidays/", views.holidays_load, name="holidays_load"),
    path("agenda/", agenda_views.agenda, name="agenda"),
    path("agenda/reminders/", agenda_views.reminder_add, name="reminder_add"),
    path(
        "agenda/reminders/<int:reminder_id>/done/",
        agenda_views.reminder_done,
        name="reminder_done",
    ),
    path(
        "agenda/reminders/<int:reminder_id>/cancel/",
        agenda_views.reminder_cancel,
        name="reminder_cancel",
    ),
    path("agenda/feed/new/", agenda_views.feed_regenerate, name="feed_regenerate"),
    path("agenda/feed/off/", agenda_views.feed_revoke, name="feed_revoke"),
    path("agenda/feed/<str:token>.ics", agenda_views.feed, name="feed"),
]
