"""Whole-corpus exports through the API: streamed, named, in each format."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.http import StreamingHttpResponse

from tests.annotate.api.clients import client_for

pytestmark = pytest.mark.django_db


def download(user, query=""):
    response = client_for(user).get(f"/api/v1/corpora/demo/export/{query}")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_it_streams_the_export(labelled, rita):
    response = client_for(rita).get("/api/v1/corpora/demo/export/?format=jsonl")
    assert isinstance(response, StreamingHttpResponse)


def test_it_names_the_jsonl_file_after_the_corpus(labelled, rita):
    response, _ = download(rita, "?format=jsonl")
    assert response["Content-Disposition"] == 'attachment; filename="demo.jsonl"'
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"


def test_it_exports_jsonl_by_default(labelled, rita):
    response, _ = download(rita)
    assert response["Content-Disposition"] == 'attachment; filename="demo.jsonl"'


def test_it_exports_one_thread_a_line_with_its_annotations(labelled, rita):
    _, data = download(rita, "?format=jsonl")
    lines = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    by_id = {line["id"]: line for line in lines}
    assert set(by_id) == {"thread-1", "thread-2"}
    thread = by_id["thread-1"]
    assert len(thread["comments"]) == 4
    assert len(thread["annotations"]["claims"]) == 4
    assert len(thread["gold"]["claims"]) == 1


def test_it_exports_a_claim_to_claim_target(labelled, rita):
    _, data = download(rita, "?format=jsonl")
    line = next(json.loads(x) for x in data.decode().splitlines() if '"thread-1"' in x)
    claims = line["annotations"]["claims"]
    targets = [c["stance_target"] for c in claims if isinstance(c["stance_target"], dict)]
    local_ids = {c["id"] for c in claims}
    assert len(targets) == 1 and targets[0]["claim"] in local_ids


def test_it_exports_csv_with_a_row_per_claim(labelled, rita):
    response, data = download(rita, "?format=csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert response["Content-Disposition"] == 'attachment; filename="demo.csv"'
    assert len(rows) == 6  # five claims on thread-1 (gold included), one on thread-2


def test_it_exports_convokit_as_a_zip(labelled, rita):
    response, data = download(rita, "?format=convokit")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="demo-convokit.zip"'
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    for name in ("utterances.jsonl", "conversations.json", "speakers.json", "corpus.json"):
        assert f"demo/{name}" in names


def test_it_exports_brat_as_a_zip(labelled, rita):
    response, data = download(rita, "?format=brat")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="demo-brat.zip"'
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "demo/annotation.conf" in names
    assert {"demo/alice/thread-1.ann", "demo/alice/thread-1.txt"} <= set(names)


def test_it_pseudonymises_commenter_names_on_request(labelled, rita):
    author = labelled["c1"].author
    response, data = download(rita, "?format=jsonl&pseudonymise=1")
    assert response["Content-Disposition"] == 'attachment; filename="demo-pseudonymised.jsonl"'
    assert author not in data.decode("utf-8")


def test_it_keeps_commenter_names_by_default(labelled, rita):
    _, data = download(rita, "?format=jsonl")
    assert labelled["c1"].author in data.decode("utf-8")


def test_it_answers_with_the_file_whatever_the_client_accepts(labelled, rita):
    response = client_for(rita).get(
        "/api/v1/corpora/demo/export/?format=csv", HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 200
