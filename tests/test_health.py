"""/healthz: 200 when the database answers and every migration is applied, else 503 saying why."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations import Migration
from django.db.migrations.executor import MigrationExecutor

from config import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_check():
    health.migrations_forget()
    yield
    health.migrations_forget()


def test_it_answers_ok_when_the_database_answers_and_nothing_is_unapplied(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "migrations": "ok"}


def test_it_answers_without_a_sign_in_a_session_or_a_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_a_head_request_for_balancers_that_send_one(client):
    assert client.head("/healthz").status_code == 200


def test_it_answers_503_when_the_database_does_not(client):
    refused = OperationalError("connection refused")
    with mock.patch.object(connection, "cursor", side_effect=refused):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unreachable", "migrations": "unknown"}


def test_it_answers_503_naming_an_unapplied_migration(client):
    waiting = [(Migration("0099_next_release", "annotate"), False)]
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=waiting):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "database": "ok",
        "migrations": "1 unapplied: annotate.0099_next_release",
    }


def test_it_reads_the_migration_plan_once_in_a_while_not_on_every_probe(client):
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[]) as plan:
        for _ in range(3):
            assert client.get("/healthz").status_code == 200
    assert plan.call_count == 1


def test_it_answers_from_a_host_the_settings_allow_only(client):
    assert client.get("/healthz", HTTP_HOST="balancer.internal").status_code == 400
