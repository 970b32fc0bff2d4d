"""An import pauses Python's cycle collector while it runs, and only then."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from annotate.exchange import threads_import
from threads.formats.records import FormatError

pytestmark = pytest.mark.django_db


def _jsonl(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _thread(tid: str) -> str:
    return json.dumps(
        {
            "id": tid,
            "title": tid,
            "body": "Body.",
            "comments": [{"id": "c1", "parent_id": None, "text": "Hi."}],
        }
    )


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_cycle_collector_is_off_while_an_import_writes(tmp_path, collector_on):
    seen = []

    threads_import(
        corpus_slug="c",
        paths=[_jsonl(tmp_path / "a.jsonl", _thread("t1"))],
        on_progress=lambda summary: seen.append(gc.isenabled()),
    )

    assert seen == [False]


def test_the_cycle_collector_is_on_again_after_an_import(tmp_path, collector_on):
    threads_import(corpus_slug="c", paths=[_jsonl(tmp_path / "a.jsonl", _thread("t1"))])

    assert gc.isenabled()


def test_the_cycle_collector_is_on_again_after_an_import_fails(tmp_path, collector_on):
    bad = _jsonl(tmp_path / "a.jsonl", _thread("t1"), "{not json")

    with pytest.raises(FormatError):
        threads_import(corpus_slug="c", paths=[bad])

    assert gc.isenabled()


def test_an_import_leaves_a_collector_it_found_off_off(tmp_path, collector_on):
    gc.disable()

    threads_import(corpus_slug="c", paths=[_jsonl(tmp_path / "a.jsonl", _thread("t1"))])

    assert not gc.isenabled()
