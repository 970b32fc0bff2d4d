"""The request log: one JSON line a request with its id, method, path, status, time and user."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import override_settings

from config.logs import formatter

pytestmark = pytest.mark.django_db


def _lines(caplog) -> list[dict]:
    spec = formatter("json")
    json_formatter = spec.pop("()")(**spec)
    return [
        json.loads(json_formatter.format(record))
        for record in caplog.records
        if record.name.startswith("django_structlog")
    ]


def test_a_request_writes_one_json_line_with_its_fields(client, alice, caplog):
    client.force_login(alice)
    with caplog.at_level(logging.INFO):
        client.get("/healthz?probe=1")

    [line] = _lines(caplog)
    assert line["event"] == "request_finished"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz?probe=1", 200)
    assert line["user_id"] == alice.pk
    assert "duration_ms" in line
    assert line["request_id"]
    assert {"timestamp", "level", "logger"} <= line.keys()


def test_it_takes_the_request_id_from_the_proxy_and_sends_it_back(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-id-42")
    assert response["X-Request-ID"] == "proxy-id-42"
    assert _lines(caplog)[0]["request_id"] == "proxy-id-42"


def test_it_makes_up_a_request_id_when_none_comes_and_sends_it_back(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 36  # a UUID
    assert _lines(caplog)[0]["request_id"] == response["X-Request-ID"]


@override_settings(DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID=False)
def test_it_ignores_a_clients_request_id_when_told_not_to_trust_it(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="made-up")["X-Request-ID"] != "made-up"


def test_it_logs_a_refused_request_with_its_status(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/api/v1/claims/")
    [line] = _lines(caplog)
    assert (line["path"], line["status"], line["user_id"]) == ("/api/v1/claims/", 401, None)
