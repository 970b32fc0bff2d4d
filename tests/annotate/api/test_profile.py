"""The profile page: a signed-in user finds and replaces their API token."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_it_sends_a_signed_out_visitor_to_the_login_page(client):
    response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_the_users_token(client, rita):
    token = Token.objects.create(user=rita)
    client.force_login(rita)
    assert token.key in client.get("/profile/").content.decode()


def test_it_offers_to_make_a_token_when_there_is_none(client, rita):
    client.force_login(rita)
    assert "Make a token" in client.get("/profile/").content.decode()


def test_it_makes_a_token_on_post(client, rita):
    client.force_login(rita)
    client.post("/profile/")
    assert Token.objects.filter(user=rita).exists()


def test_it_replaces_the_old_token(client, rita):
    old = Token.objects.create(user=rita).key
    client.force_login(rita)
    client.post("/profile/")
    assert Token.objects.get(user=rita).key != old


def test_it_redirects_back_to_the_profile_after_a_post(client, rita):
    client.force_login(rita)
    response = client.post("/profile/")
    assert (response.status_code, response["Location"]) == (302, "/profile/")


def test_it_needs_the_csrf_token_to_replace_a_token(rita):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(rita)
    assert client.post("/profile/").status_code == 403


def test_it_shows_a_token_only_to_its_owner(client, rita, alice):
    token = Token.objects.create(user=rita)
    client.force_login(alice)
    assert token.key not in client.get("/profile/").content.decode()


def test_it_lets_the_new_token_read_the_api(client, rita):
    client.force_login(rita)
    client.post("/profile/")
    key = Token.objects.get(user=rita).key
    client.logout()
    response = client.get("/api/v1/corpora/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_it_tells_browsers_and_proxies_not_to_keep_the_page_with_the_token(client, rita):
    Token.objects.create(user=rita)
    client.force_login(rita)
    response = client.get("/profile/")
    assert no_store(response)
    assert "private" in response["Cache-Control"]


def test_it_does_not_let_the_admins_token_list_be_kept_either(admin_client, rita):
    token = Token.objects.create(user=rita)
    response = admin_client.get("/admin/authtoken/tokenproxy/")
    assert token.key in response.content.decode()
    assert no_store(response)
