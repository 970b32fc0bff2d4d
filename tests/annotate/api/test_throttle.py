"""The API's address throttle, ahead of authentication: requests that fail authentication (a
wrong token, none) are counted per client address in the shared cache, and past the limit the
address gets a 429 with Retry-After and a JSON message, whatever token it then sends."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.annotate.api.clients import client_for

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
URL = "/api/v1/corpora/"
HOME = "10.0.0.1"


@pytest.fixture(autouse=True)
def _three_an_hour(settings):
    settings.API_THROTTLE_ADDRESS = (3, 3600)


def bad(client: APIClient | None = None, address: str = HOME):
    client = client or APIClient()
    return client.get(URL, HTTP_AUTHORIZATION="Token not-a-real-token", REMOTE_ADDR=address)


def test_it_throttles_bad_tokens_past_the_address_limit(labelled):
    assert [bad().status_code for _ in range(4)] == [401, 401, 401, 429]


def test_it_says_when_to_try_again_in_json(labelled):
    for _ in range(3):
        bad()
    response = bad()
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 3600
    detail = response.json()["detail"]
    assert detail.startswith("Too many API requests from your address failed authentication.")
    assert f"Try again in {retry_after} seconds" in detail


def test_it_counts_requests_without_a_token(labelled):
    statuses = [APIClient().get(URL, REMOTE_ADDR=HOME).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_it_refuses_a_good_token_from_a_throttled_address_before_looking_it_up(
    labelled, rita, django_assert_max_num_queries
):
    for _ in range(3):
        bad()
    client = client_for(rita)
    with django_assert_max_num_queries(1):  # the count's read from the cache, no token lookup
        assert client.get(URL, REMOTE_ADDR=HOME).status_code == 429


def test_it_leaves_another_address_alone(labelled, rita):
    for _ in range(3):
        bad()
    assert bad(address="10.0.0.2").status_code == 401
    assert client_for(rita).get(URL, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_it_does_not_count_requests_that_authenticate(labelled, rita):
    client = client_for(rita)
    assert all(client.get(URL, REMOTE_ADDR=HOME).status_code == 200 for _ in range(5))
    assert bad().status_code == 401


def test_it_leaves_pages_outside_the_api_alone(labelled, client):
    for _ in range(3):
        bad()
    assert client.get("/accounts/login/", REMOTE_ADDR=HOME).status_code == 200


def test_two_clients_share_the_count(labelled):
    first, second = APIClient(), APIClient()
    assert [bad(first).status_code for _ in range(2)] == [401, 401]
    assert [bad(second).status_code for _ in range(2)] == [401, 429]


WORKER = textwrap.dedent(
    """
    import django, sys
    django.setup()
    from django.test import Client
    client = Client()
    print(*[
        client.get("/api/v1/corpora/", HTTP_AUTHORIZATION="Token wrong", REMOTE_ADDR="10.3.3.3")
        .status_code
        for _ in range(int(sys.argv[1]))
    ])
    """
)


def test_two_processes_share_the_count(tmp_path):
    # Two workers, as gunicorn runs them: each its own process, one cache table between them.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ENV_FILE": "/nonexistent",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "API_THROTTLE_ADDRESS": "3/day",
    }

    def run(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        # The last line: the request log's JSON lines (401s are warnings) come before it.
        return (result.stdout.strip().splitlines() or [""])[-1]

    run("manage.py", "migrate", "authtoken", "--noinput", "--verbosity", "0")
    run("manage.py", "createcachetable")
    assert run("-c", WORKER, "2") == "401 401"
    assert run("-c", WORKER, "2") == "401 429"
