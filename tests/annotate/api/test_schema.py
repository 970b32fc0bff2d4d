"""The OpenAPI schema and the interactive docs."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from annotate.exchange import EXPORT_FORMATS
from tests.annotate.api.clients import client_for
from threads.formats import FORMATS

pytestmark = pytest.mark.django_db


def test_it_generates_a_schema_that_validates_without_warnings():
    out = io.StringIO()
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out
    )
    assert '"openapi": "3.0.3"' in out.getvalue()


def test_it_serves_the_schema_to_a_token_holder(rita):
    response = client_for(rita).get("/api/schema/")
    assert response.status_code == 200
    assert "/api/v1/claims/" in response.json()["paths"]


def test_it_documents_the_claim_filters(rita):
    schema = client_for(rita).get("/api/schema/").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/claims/"]["get"]["parameters"]}
    assert {
        "corpus",
        "thread",
        "annotator",
        "stance",
        "claim_type",
        "gold",
        "updated_since",
    } <= names


def test_it_documents_the_export_formats(rita):
    schema = client_for(rita).get("/api/schema/").json()
    params = schema["paths"]["/api/v1/corpora/{slug}/export/"]["get"]["parameters"]
    (fmt,) = [p for p in params if p["name"] == "format"]
    assert sorted(fmt["schema"]["enum"]) == ["convokit", "csv", "jsonl"]


def test_it_documents_the_formats_of_a_corpus_page(rita):
    schemas = client_for(rita).get("/api/schema/").json()["components"]["schemas"]
    properties = schemas["CorpusDetail"]["properties"]
    enums = {
        key: schemas[properties[key]["items"]["$ref"].rsplit("/", 1)[1]]["enum"]
        for key in ("import_formats", "export_formats")
    }
    assert enums == {"import_formats": list(FORMATS), "export_formats": list(EXPORT_FORMATS)}


def test_it_documents_token_authentication(rita):
    schema = client_for(rita).get("/api/schema/").json()
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"


def test_it_serves_the_docs_to_a_signed_in_user(client, rita):
    client.force_login(rita)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "swagger-ui" in response.content.decode()


def test_it_serves_the_docs_assets_locally_not_from_a_cdn(client, rita):
    client.force_login(rita)
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_it_sends_a_signed_out_visitor_of_the_docs_to_the_login_page(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
