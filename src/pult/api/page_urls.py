"""The API's browser pages (tokens). The JSON API itself is `pult.api.urls.api`, mounted
at /api/v1/; these keep their historical paths under accounts/."""

from django.urls import path

from pult.api import token_views

app_name = "api_pages"

urlpatterns = [
    path("accounts/tokens/", token_views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
]
