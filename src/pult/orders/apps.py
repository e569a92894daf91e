from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Orders for clients (P2): filing an order with its client, contract and manager,
    the order panel of an item, and who sees whose orders (visibility grants)."""

    name = "pult.orders"
    label = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pult.orders import panels

        panels.register()  # the order's card, the "New order" buttons, a client's orders
