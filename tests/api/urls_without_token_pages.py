"""Pult's URLs minus the API token pages: the profile must not need them."""

from pult.config.urls import handler403, handler404, handler500
from pult.config.urls import urlpatterns as _all

urlpatterns = [p for p in _all if getattr(p, "app_name", None) != "api_pages"]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
