"""A password change revokes the user's API token, whichever way the password was changed."""

from __future__ import annotations

import getpass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token

from tests.annotate.api.clients import client_for

pytestmark = pytest.mark.django_db

NEW = "a-new-password-for-2025"


@pytest.fixture
def token(rita):
    return Token.objects.create(user=rita)


def api_status(user) -> int:
    return (
        client_for(None)
        .get("/api/v1/corpora/", HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
        .status_code
    )


def test_the_password_change_page_revokes_the_token(client, rita, token, password):
    client.force_login(rita)
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert not Token.objects.filter(user=rita).exists()


def test_the_old_token_is_refused_by_the_api(client, rita, token, password):
    key = token.key
    rita.set_password(NEW)
    rita.save()
    response = client_for(None).get("/api/v1/corpora/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401


def test_the_admins_password_form_revokes_the_token(admin_client, rita, token):
    url = reverse("admin:auth_user_password_change", args=[rita.pk])
    response = admin_client.post(
        url, {"password1": NEW, "password2": NEW, "usable_password": "true"}
    )
    assert response.status_code == 302
    assert not Token.objects.filter(user=rita).exists()


def test_the_changepassword_command_revokes_the_token(rita, token, monkeypatch):
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": NEW)
    call_command("changepassword", "rita", stdout=None)
    assert not Token.objects.filter(user=rita).exists()


def test_a_password_reset_revokes_the_token(client, rita, token):
    uid = urlsafe_base64_encode(force_bytes(rita.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(rita)])
    form = client.get(link, follow=True).redirect_chain[-1][0]  # the set-password step
    response = client.post(form, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert not Token.objects.filter(user=rita).exists()


def test_saving_the_user_without_a_new_password_keeps_the_token(rita, token):
    rita.first_name = "Rita"
    rita.save()
    assert api_status(rita) == 200


def test_it_revokes_only_that_users_token(rita, token, alice):
    alices = Token.objects.create(user=alice)
    rita.set_password(NEW)
    rita.save()
    assert Token.objects.filter(pk=alices.pk).exists()


def test_the_password_forms_say_the_token_goes(client, rita):
    client.force_login(rita)
    content = client.get(reverse("password_change")).content.decode()
    assert "also revokes the API token" in content
