from django.urls import path

from pult.newsletters import views

app_name = "newsletters"

urlpatterns = [
    path("newsletters/", views.newsletter_list, name="newsletter_list"),
    path("newsletters/new/", views.newsletter_edit, name="newsletter_new"),
    path("newsletters/<int:newsletter_id>/", views.newsletter_detail, name="newsletter_detail"),
    path("newsletters/<int:newsletter_id>/edit/", views.newsletter_edit, name="newsletter_edit"),
    path("newsletters/<int:newsletter_id>/send/", views.newsletter_send, name="newsletter_send"),
    path(
        "newsletters/<int:newsletter_id>/deliveries/",
        views.newsletter_status,
        name="newsletter_status",
    ),
    path("newsletters/segments/", views.segment_list, name="segment_list"),
    path("newsletters/segments/new/", views.segment_edit, name="segment_new"),
    path("newsletters/segments/count/", views.segment_count, name="segment_count"),
    path("newsletters/segments/<int:segment_id>/", views.segment_edit, name="segment_edit"),
    # Public: the link in every newsletter; the signed token is the only credential.
    path("newsletters/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
