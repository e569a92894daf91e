from django.urls import path

from pult.orders import grant_views, views

app_name = "orders"

urlpatterns = [
    path("items/orders/new/", views.order_new, name="order_new"),
    path("items/<int:item_id>/order/", views.order_parties_edit, name="order_parties"),
    path("settings/visibility/", grant_views.visibility_grants, name="visibility_grants"),
    path(
        "settings/visibility/<int:grant_id>/delete/",
        grant_views.visibility_grant_delete,
        name="visibility_grant_delete",
    ),
]
