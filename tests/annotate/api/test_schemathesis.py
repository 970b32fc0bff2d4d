"""Property-based checks of the API against its own OpenAPI schema (schemathesis).

The schema is loaded from /api/schema/ with a researcher's token, and every
operation in it gets a bounded, derandomised run of generated requests
(positive mode: values the schema allows), each sent through the WSGI app and
checked: no 5xx, a documented status code and content type, a body that
matches the documented schema. Operations with path parameters also run with
real ones (the ``demo`` corpus, its thread) so 200s are checked too, not only
404s.

Not run: ``positive_data_acceptance`` (a label filter names a value of a
corpus's *editable* schema, so a schema-valid string can rightly be a 400) and
negative mode.
"""

from __future__ import annotations

import types

import hypothesis.internal.conjecture.utils as conjecture_utils
import hypothesis_jsonschema._from_schema as jsonschema_strategies
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
OPERATIONS = [
    "GET /api/v1/corpora/",
    "GET /api/v1/corpora/{slug}/",
    "GET /api/v1/corpora/{slug}/threads/",
    "GET /api/v1/corpora/{slug}/agreement/",
    "GET /api/v1/corpora/{slug}/export/",
    "GET /api/v1/threads/{id}/",
    "GET /api/v1/claims/",
    "GET /api/v1/relations/",
    "GET /api/v1/reply-labels/",
]
MAX_EXAMPLES = 20


class _LegacyMany:
    """The ``more()``/``reject()`` interface hypothesis-jsonschema 0.23.1 drives ``many()`` with.

    Hypothesis 6.170 replaced it by ``with many(...) as e: for _ in e:``, so
    every object schema (and so every operation's query string) failed to
    generate. This adapter drives the new interface the old way; drop it once
    hypothesis-jsonschema follows (or pin hypothesis below the change).
    """

    def __init__(self, *args, **kwargs):
        self._many = conjecture_utils.many(*args, **kwargs)
        self._many.__enter__()
        self._elements = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._elements)
        except StopIteration:
            self._many.__exit__(None, None, None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


@pytest.fixture(autouse=True)
def _legacy_many(monkeypatch):
    if hasattr(conjecture_utils.many, "more"):
        return  # an older hypothesis: nothing to adapt
    shim = types.SimpleNamespace(**vars(conjecture_utils))
    shim.many = _LegacyMany
    monkeypatch.setattr(jsonschema_strategies, "cu", shim)


@pytest.fixture
def wsgi_app():
    """Django's WSGI app, without closing the test's connection after each request
    (as Django's own test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def headers(rita):
    token, _ = Token.objects.get_or_create(user=rita)
    return {"Authorization": f"Token {token.key}"}


@pytest.fixture
def api_schema(wsgi_app, headers):
    return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers=headers)


def test_it_lists_every_operation_of_the_schema(api_schema):
    found = sorted(op.ok().label for op in api_schema.get_all_operations())
    assert found == sorted(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_it_answers_generated_requests_as_the_schema_says(api_schema, labelled, headers, label):
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is missing from the schema"
    real = {"slug": "demo", "id": labelled["article"].pk}
    calls: list[int] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)
        calls.append(response.status_code)
        if case.path_parameters:
            case.path_parameters = {k: real[k] for k in case.path_parameters}
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)
            calls.append(response.status_code)

    run()
    assert 200 in calls, f"{label}: no generated request succeeded ({sorted(set(calls))})"
