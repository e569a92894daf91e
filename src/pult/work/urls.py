from django.urls import path

from pult.work import views

app_name = "work"

urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/export.<str:fmt>", views.item_export, name="item_export"),
    path("items/archive/", views.archive, name="archive"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/views/save/", views.saved_view_save, name="saved_view_save"),
    path("items/views/<int:view_id>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("items/<int:item_id>/step/<slug:key>/", views.item_step, name="item_step"),
    path("items/<int:item_id>/move/", views.item_move, name="item_move"),
    path("items/<int:item_id>/fields/", views.item_fields, name="item_fields"),
    path(
        "items/<int:item_id>/stages/<slug:key>/sign/",
        views.item_stage_sign,
        name="item_stage_sign",
    ),
    path("items/<int:item_id>/urgent/", views.item_urgent, name="item_urgent"),
    path("items/<int:item_id>/assign/", views.item_assign, name="item_assign"),
    path("items/<int:item_id>/dates/", views.item_dates, name="item_dates"),
    path("items/<int:item_id>/watch/", views.item_watch, name="item_watch"),
]
