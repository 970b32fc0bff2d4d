"""Sign-in lockout (django-axes): five wrong passwords for a username, or from an address, and
the right one is refused too, with a page that says when to try again."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.annotate.api.clients import client_for

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
HOME = "10.0.0.1"


def sign_in(client: Client, username: str, password: str, address: str = HOME):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int, address: str = HOME) -> list[int]:
    return [
        sign_in(client, username, "not-the-password", address).status_code for _ in range(times)
    ]


def test_it_locks_on_the_fifth_wrong_password(client, alice):
    assert fail(client, "alice", 5) == [200, 200, 200, 200, 429]


def test_it_refuses_the_right_password_after_five_wrong_ones(client, alice, password):
    fail(client, "alice", 5)
    response = sign_in(client, "alice", password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_says_when_to_try_again(client, alice, password, settings):
    fail(client, "alice", 5)
    response = sign_in(client, "alice", password)
    content = response.content.decode()
    assert "Too many failed sign-ins" in content
    assert "Try again in 15 minutes, after " in content and " UTC." in content
    assert response["Retry-After"] == "900"
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def test_it_lets_the_fourth_wrong_password_be_followed_by_the_right_one(client, alice, password):
    fail(client, "alice", 4)
    assert sign_in(client, "alice", password).status_code == 302


def test_it_leaves_another_user_at_another_address_unaffected(client, alice, bob, password):
    fail(client, "alice", 5)
    assert sign_in(client, "bob", password, address="10.0.0.2").status_code == 302


def test_it_locks_the_username_out_from_every_address(client, alice, password):
    for n in range(5):
        fail(client, "alice", 1, address=f"10.0.1.{n}")
    assert sign_in(client, "alice", password, address="10.0.2.1").status_code == 429


def test_it_locks_the_address_out_for_every_username(client, alice, bob, charlie, password):
    for name in ("alice", "bob", "charlie", "dora", "eve"):
        fail(client, name, 1)
    assert sign_in(client, "bob", password).status_code == 429


def test_the_lockout_holds_for_another_client(alice, password):
    # The attempts are rows in the database: every worker, and a new client, sees them.
    fail(Client(), "alice", 5)
    other = Client()
    assert sign_in(other, "alice", password, address="10.0.0.9").status_code == 429


def test_it_locks_the_admin_sign_in_too(client, admin_user, password):
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"}, REMOTE_ADDR=HOME)
    response = client.post(
        "/admin/login/", {"username": "admin", "password": password}, REMOTE_ADDR=HOME
    )
    assert response.status_code == 429


def test_it_lets_them_in_again_after_the_cool_off(client, alice, password):
    from axes.models import AccessAttempt
    from django.utils import timezone

    fail(client, "alice", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert sign_in(client, "alice", password).status_code == 302


def test_an_admin_unlocks_a_user_from_the_command_line(client, alice, password):
    fail(client, "alice", 5)
    call_command("axes_reset_username", "alice", stdout=None)
    assert sign_in(client, "alice", password, address="10.0.0.3").status_code == 302


def test_an_admin_sees_the_attempts_in_the_admin(client, admin_user, alice):
    fail(client, "alice", 5, address="10.0.0.4")
    client.force_login(admin_user)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert "alice" in response.content.decode()


def test_a_locked_out_users_api_token_still_works(client, alice, corpus):
    fail(client, "alice", 5)
    assert User.objects.get(username="alice").is_active
    assert client_for(alice).get("/api/v1/corpora/").status_code == 200
