"""The API token pages: create (the raw value shown once), list, revoke; the profile
links to them, and renders without them (accounts does not depend on the API)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from pult.api.models import ApiToken
from pult.api.selectors import api_token_authenticate
from pult.api.services import api_token_create
from tests.conftest import login
from tests.factories import make_member, make_workspace

pytestmark = pytest.mark.django_db


def test_paths_stay_where_they_were() -> None:
    assert reverse("api_pages:tokens") == "/accounts/tokens/"
    assert reverse("api_pages:token_revoke", args=[7]) == "/accounts/tokens/7/revoke/"


def test_create_shows_the_raw_token_once_then_revoke(client: Client) -> None:
    workspace, admin = make_workspace("Acme")
    login(client, admin)
    page = client.get("/accounts/tokens/").content.decode()
    assert "No tokens yet." in page and 'name="name"' in page

    response = client.post("/accounts/tokens/", {"name": "reporting"})
    assert response.status_code == 302 and response["Location"] == "/accounts/tokens/"
    token = ApiToken.objects.get(user=admin)
    assert token.workspace == workspace and token.name == "reporting"
    page = client.get("/accounts/tokens/").content.decode()
    assert "data-new-token" in page and "reporting" in page and token.prefix in page
    raw = page.split("data-new-token>", 1)[1].split("<", 1)[0]
    assert api_token_authenticate(raw) is not None
    assert "data-new-token" not in client.get("/accounts/tokens/").content.decode()

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    assert response.redirect_chain == [("/accounts/tokens/", 302)]
    assert "Token revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_token_authenticate(raw) is None


def test_revoke_only_ones_own_live_token(client: Client) -> None:
    workspace, admin = make_workspace("Acme")
    other = make_member(workspace, [])
    theirs, _raw = api_token_create(actor=other, workspace=workspace, name="theirs")
    login(client, admin)
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.get(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 405
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/accounts/tokens/", {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_the_profile_links_to_the_token_page(client: Client) -> None:
    _workspace, admin = make_workspace("Acme")
    login(client, admin)
    page = client.get("/accounts/profile/").content.decode()
    assert 'href="/accounts/tokens/"' in page


@override_settings(ROOT_URLCONF="tests.api.urls_without_token_pages")
def test_the_profile_renders_without_the_token_pages(client: Client) -> None:
    _workspace, admin = make_workspace("Acme")
    login(client, admin)
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert "/accounts/tokens/" not in response.content.decode()
