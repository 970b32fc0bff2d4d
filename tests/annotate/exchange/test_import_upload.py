"""Uploads imported from where their job saved them (a zip unpacked safely), with progress."""

from __future__ import annotations

import json
import zipfile

import pytest

from annotate.exchange import importer, reading, threads_import, threads_import_upload
from tests.annotate.exchange.test_importer import thread, write_jsonl
from threads.formats.records import FormatError

pytestmark = pytest.mark.django_db


def test_it_imports_an_upload_from_where_it_was_saved(tmp_path):
    saved = tmp_path / "upload-1"
    saved.write_text(json.dumps(thread("t1")), "utf-8")

    summary = threads_import_upload(corpus_slug="c", path=saved, name="thread.jsonl")

    assert (summary.threads, summary.comments) == (1, 4)


def test_it_names_the_uploaded_file_in_errors(tmp_path):
    saved = tmp_path / "kept-under-another-name"
    saved.write_bytes(b"{broken\n")

    with pytest.raises(FormatError) as error:
        threads_import_upload(corpus_slug="c", path=saved, name="mine.jsonl")

    assert error.value.file == "mine.jsonl"
    assert str(error.value).startswith("mine.jsonl, line 1")


def test_it_names_the_zip_and_its_member_in_errors(tmp_path):
    saved = tmp_path / "corpus.zip"
    with zipfile.ZipFile(saved, "w") as zf:
        zf.writestr("corpus/utterances.jsonl", "{broken\n")

    with pytest.raises(FormatError) as error:
        threads_import_upload(corpus_slug="c", path=saved, name="corpus.zip")

    assert str(error.value).startswith("corpus.zip: corpus/utterances.jsonl, line 1")
    assert [p.name for p in tmp_path.iterdir()] == ["corpus.zip"]  # the unpacked files went


def test_it_reports_progress_after_each_batch_written(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "_BATCH_THREADS", 2)
    path = write_jsonl(tmp_path / "t.jsonl", *(thread(f"t{i}") for i in range(5)))
    seen = []

    threads_import(
        corpus_slug="c", paths=[path], on_progress=lambda s: seen.append((s.threads, s.comments))
    )

    assert seen == [(2, 8), (4, 16), (5, 20)]


def test_it_counts_the_threads_of_a_jsonl_file_without_reading_them(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": 1}\n\n{"id": 2}\n  \n{"id": 3}', "utf-8")

    assert reading.threads_total(path, fmt=None) == 3
    assert reading.threads_total(path, fmt="convokit") is None
