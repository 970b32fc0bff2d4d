"""The admin's Import file page: every format, the labelled formats' options, zips."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotate.admin.corpora import ImportUploadForm
from annotate.exchange import importer
from annotate.models import Claim
from tests.factories import CorpusFactory
from threads.formats import FORMATS
from threads.formats.records import ReadOptions
from threads.models import Article

IMPORT_URL = "admin:threads_corpus_import"
SAMPLES = Path(__file__).resolve().parents[1] / "threads" / "samples" / "labelstudio"
EMOJI = SAMPLES / "emoji_utf16.json"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def upload(admin_client, data: bytes, name: str, **fields):
    form = {
        "corpus": "uploads",
        "format": "",
        "orphans": "error",
        "stance_attribute": "Stance",
        "file": SimpleUploadedFile(name, data),
        **fields,
    }
    return admin_client.post(reverse(IMPORT_URL), form)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_it_offers_every_import_format(admin_client, db):
    content = admin_client.get(reverse(IMPORT_URL)).content.decode()
    for fmt in FORMATS:
        assert f'<option value="{fmt}">{fmt}</option>' in content
    assert "labelstudio: .json (a Label Studio export)" in content


def test_it_groups_the_labelled_formats_options(admin_client, db):
    form = admin_client.get(reverse(IMPORT_URL)).context["form"]
    legend, fields = form.fieldsets()[1]
    assert "labelstudio" in legend
    assert [f.name for f in fields] == [
        "labels",
        "annotator",
        "as_gold",
        "stance_attribute",
        "strict_schema",
    ]


def test_it_maps_the_options_to_the_readers_options():
    form = ImportUploadForm(
        {
            "corpus": "c",
            "orphans": "error",
            "annotator": " mia ",
            "as_gold": "on",
            "stance_attribute": "Position",
            "strict_schema": "on",
        },
        {"file": SimpleUploadedFile("a.json", b"[]")},
    )
    assert form.is_valid(), form.errors
    assert form.read_options() == ReadOptions(
        annotator="mia", as_gold=True, stance_attribute="Position", strict_schema=True
    )


def test_it_defaults_an_empty_stance_attribute():
    form = ImportUploadForm(
        {"corpus": "c", "orphans": "error", "stance_attribute": ""},
        {"file": SimpleUploadedFile("a.json", b"[]")},
    )
    assert form.is_valid(), form.errors
    assert form.read_options() == ReadOptions()


def test_it_imports_a_label_studio_export_told_by_its_content(admin_client, db):
    response = upload(admin_client, EMOJI.read_bytes(), "project-3-at-2024.json")
    assert response.status_code == 302, messages_of(response)
    assert Claim.objects.filter(article__external_id="201").count() == 4
    assert "regions converted from UTF-16: 2." in messages_of(response)[0]


def test_it_gives_the_labels_to_the_annotator_named_in_the_form(admin_client, db):
    response = upload(
        admin_client, EMOJI.read_bytes(), "export.json", annotator="mia", as_gold="on"
    )
    assert response.status_code == 302, messages_of(response)
    assert set(Claim.objects.values_list("annotator__username", "is_gold")) == {("mia", True)}


def test_it_names_the_annotator_field_when_a_file_names_nobody(admin_client, db):
    tasks = [{"id": 1, "data": {"text": "Text."}, "annotations": [{"id": 2, "result": []}]}]
    response = upload(admin_client, json.dumps(tasks).encode(), "export.json")
    assert response.status_code == 200
    [message] = messages_of(response)
    assert "export.json, line 1: task 1, annotation 2" in message
    assert "(the Annotator field)" in message and "--annotator" not in message
    assert not Article.objects.exists()


def test_it_hands_the_labels_file_to_the_reader(admin_client, db, monkeypatch):
    seen = {}

    def fake_import(**kwargs):
        seen["labels"] = kwargs["options"].labels.read_bytes()
        return importer.ImportSummary()

    monkeypatch.setattr(importer, "threads_import", fake_import)
    CorpusFactory(slug="uploads")
    labels = SimpleUploadedFile("rumoureval-subtaskA.json", b'{"1": "support"}')
    response = upload(admin_client, b"{}", "thread.json", labels=labels, annotator="mia")
    assert response.status_code == 302
    assert seen["labels"] == b'{"1": "support"}'


def test_it_imports_a_zip_of_a_convokit_corpus(admin_client, db):
    utterances = [
        {"id": "p1", "conversation_id": "p1", "reply-to": None, "speaker": "op", "text": "Post."},
        {"id": "u1", "conversation_id": "p1", "reply-to": "p1", "speaker": "x", "text": "Top."},
    ]
    data = "".join(json.dumps(u) + "\n" for u in utterances).encode()
    archive = zipped({"corpus/utterances.jsonl": data, "__MACOSX/corpus/._utterances.jsonl": b""})
    response = upload(admin_client, archive, "corpus.zip")
    assert response.status_code == 302, messages_of(response)
    assert Article.objects.filter(external_id="p1").exists()


def test_it_names_what_a_zip_may_hold_when_it_holds_none(admin_client, db):
    response = upload(admin_client, zipped({"notes/readme.md": b"hello"}), "notes.zip")
    [message] = messages_of(response)
    assert message.startswith("Nothing was imported. notes.zip: the zip holds nothing")
    assert "utterances.jsonl" in message
