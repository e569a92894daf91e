from django.urls import path

from pult.documents import document_views, views

app_name = "documents"

urlpatterns = [
    path("files/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("files/<int:attachment_id>/remove/", views.attachment_remove, name="attachment_remove"),
    path("items/<int:item_id>/files/", views.attachment_upload, name="attachment_upload"),
    path(
        "contracts/<int:contract_id>/documents/",
        document_views.contract_documents,
        name="contract_documents",
    ),
    path(
        "contracts/<int:contract_id>/documents/new/",
        document_views.contract_document_add,
        name="contract_document_add",
    ),
    path(
        "items/<int:item_id>/documents/new/",
        document_views.item_document_add,
        name="item_document_add",
    ),
    path(
        "documents/<int:document_id>/versions/new/",
        document_views.document_version_add,
        name="document_version_add",
    ),
    path(
        "documents/<int:document_id>/rename/",
        document_views.document_rename,
        name="document_rename",
    ),
    path(
        "documents/<int:document_id>/remove/",
        document_views.document_remove,
        name="document_remove",
    ),
    path(
        "documents/versions/<int:version_id>/",
        document_views.document_version_download,
        name="document_version_download",
    ),
    path("kb/", views.article_list, name="article_list"),
    path("kb/new/", views.article_create, name="article_create"),
    path("kb/<str:slug>/", views.article_detail, name="article_detail"),
    path("kb/<str:slug>/edit/", views.article_edit, name="article_edit"),
    path("materials/", views.material_list, name="material_list"),
    path("materials/new/", views.material_upload, name="material_upload"),
    path("materials/<int:material_id>/file/", views.material_download, name="material_download"),
    path(
        "materials/<int:material_id>/thumbnail/",
        views.material_thumbnail,
        name="material_thumbnail",
    ),
    path("materials/<int:material_id>/remove/", views.material_remove, name="material_remove"),
]
