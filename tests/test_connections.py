"""A database restart or failover costs no request: a dropped kept connection is replaced.

PostgreSQL only: SQLite keeps no connection between requests (CONN_MAX_AGE 0).
"""

from __future__ import annotations

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps connections"),
]


def server_side_closed(pid: int) -> None:
    """What a restart does to a kept connection: the server ends it, the client is not told."""
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname=params["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_it_answers_the_first_request_after_the_server_ended_the_connection(client, alice):
    client.force_login(alice)
    assert client.get("/api/v1/corpora/").status_code == 200
    server_side_closed(connection.connection.info.backend_pid)

    # What Django's handler does at the start of every request (the test client skips it).
    request_started.send(sender=WSGIHandler, environ={})
    response = client.get("/api/v1/corpora/")

    assert response.status_code == 200
