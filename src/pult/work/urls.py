from django.urls import path

from pult.work import grant_views, order_views, pipeline_views, views

app_name = "work"

urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/export.<str:fmt>", views.item_export, name="item_export"),
    path("items/queue/", views.queue, name="queue"),
    path("items/queue/take/", views.take_next, name="take_next"),
    path("items/queue/auto-assign/", views.auto_assign_toggle, name="auto_assign"),
    path("items/mine/", views.track, name="track"),
    path("items/mine/rows/", views.track_rows, name="track_rows"),
    path("items/archive/", views.archive, name="archive"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/orders/new/", order_views.order_new, name="order_new"),
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
    path("items/<int:item_id>/order/", order_views.order_parties_edit, name="order_parties"),
    path("settings/visibility/", grant_views.visibility_grants, name="visibility_grants"),
    path(
        "settings/visibility/<int:grant_id>/delete/",
        grant_views.visibility_grant_delete,
        name="visibility_grant_delete",
    ),
    path("pipelines/", pipeline_views.pipeline_list, name="pipeline_list"),
    path("pipelines/<int:type_id>/", pipeline_views.pipeline_detail, name="pipeline_detail"),
    path(
        "pipelines/<int:type_id>/export.json",
        pipeline_views.pipeline_export,
        name="pipeline_export",
    ),
    path("pipelines/<int:type_id>/policy/", pipeline_views.pipeline_policy, name="pipeline_policy"),
    path(
        "pipelines/<int:type_id>/statuses/new/",
        pipeline_views.pipeline_status_new,
        name="pipeline_status_new",
    ),
    path(
        "pipelines/<int:type_id>/statuses/<int:status_id>/",
        pipeline_views.pipeline_status_edit,
        name="pipeline_status_edit",
    ),
    path(
        "pipelines/<int:type_id>/statuses/<int:status_id>/delete/",
        pipeline_views.pipeline_status_delete,
        name="pipeline_status_delete",
    ),
    path(
        "pipelines/<int:type_id>/steps/new/",
        pipeline_views.pipeline_transition_new,
        name="pipeline_transition_new",
    ),
    path(
        "pipelines/<int:type_id>/steps/<int:transition_id>/",
        pipeline_views.pipeline_transition_edit,
        name="pipeline_transition_edit",
    ),
    path(
        "pipelines/<int:type_id>/steps/<int:transition_id>/delete/",
        pipeline_views.pipeline_transition_delete,
        name="pipeline_transition_delete",
    ),
    path(
        "pipelines/<int:type_id>/fields/new/",
        pipeline_views.pipeline_field_new,
        name="pipeline_field_new",
    ),
    path(
        "pipelines/<int:type_id>/fields/<int:field_id>/",
        pipeline_views.pipeline_field_edit,
        name="pipeline_field_edit",
    ),
    path(
        "pipelines/<int:type_id>/fields/<int:field_id>/delete/",
        pipeline_views.pipeline_field_delete,
        name="pipeline_field_delete",
    ),
    path(
        "pipelines/<int:type_id>/stages/new/",
        pipeline_views.pipeline_stage_new,
        name="pipeline_stage_new",
    ),
    path(
        "pipelines/<int:type_id>/stages/<int:stage_id>/",
        pipeline_views.pipeline_stage_edit,
        name="pipeline_stage_edit",
    ),
    path(
        "pipelines/<int:type_id>/stages/<int:stage_id>/delete/",
        pipeline_views.pipeline_stage_delete,
        name="pipeline_stage_delete",
    ),
    path(
        "pipelines/<int:type_id>/comment-rules/new/",
        pipeline_views.pipeline_message_rule_new,
        name="pipeline_message_rule_new",
    ),
    path(
        "pipelines/<int:type_id>/comment-rules/<int:rule_id>/",
        pipeline_views.pipeline_message_rule_edit,
        name="pipeline_message_rule_edit",
    ),
    path(
        "pipelines/<int:type_id>/comment-rules/<int:rule_id>/delete/",
        pipeline_views.pipeline_message_rule_delete,
        name="pipeline_message_rule_delete",
    ),
]
