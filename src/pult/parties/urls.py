from django.urls import path

from pult.parties import client_views, views

app_name = "parties"

urlpatterns = [
    path("outlets/", views.outlet_list, name="outlet_list"),
    path("outlets/new/", views.outlet_new, name="outlet_new"),
    path("outlets/<int:outlet_id>/", views.outlet_detail, name="outlet_detail"),
    path("outlets/<int:outlet_id>/members/", views.outlet_member_add, name="outlet_member_add"),
    path(
        "outlets/<int:outlet_id>/members/<int:user_id>/remove/",
        views.outlet_member_remove,
        name="outlet_member_remove",
    ),
    path("brands/", views.brand_list, name="brand_list"),
    path("brands/<int:brand_id>/rename/", views.brand_rename, name="brand_rename"),
    path("specialists/", views.specialist_list, name="specialist_list"),
    path("specialists/<int:user_id>/", views.specialist_detail, name="specialist_detail"),
    # The client base (P2)
    path("clients/", client_views.client_list, name="client_list"),
    path("clients/new/", client_views.client_new, name="client_new"),
    path("clients/<int:client_id>/", client_views.client_detail, name="client_detail"),
    path("clients/<int:client_id>/archive/", client_views.client_archive, name="client_archive"),
    path("clients/<int:client_id>/restore/", client_views.client_restore, name="client_restore"),
    path("clients/<int:client_id>/status/", client_views.client_status, name="client_status"),
    path("clients/<int:client_id>/contacts/", client_views.contact_add, name="contact_add"),
    path("contacts/<int:contact_id>/", client_views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/remove/", client_views.contact_remove, name="contact_remove"),
    path("clients/<int:client_id>/contracts/", client_views.contract_add, name="contract_add"),
    path("contracts/<int:contract_id>/", client_views.contract_edit, name="contract_edit"),
]
