"""The jsonl and csv writers' fast paths write what the plain encoders write, byte for byte."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from threads.formats import csv, jsonl
from threads.formats.records import CommentRecord, ThreadRecord

SAMPLE = Path(__file__).parent / "samples" / "threads.jsonl"

# Strings that JSON escapes, or that a careless encoder would: quotes, backslashes,
# control characters, U+2028/U+2029 (left as they are), DEL, astral characters.
AWKWARD = [
    "",
    'say "hi": ok, {"id": 1}',
    'back\\slash \\" and \\u0041',
    "line\nbreak\r\ttab\b\f\x00\x01\x1f\x7f",
    "\u2028\u2029 \ufeff ü 𝕏 🙂 🇮🇱",
    ',"note": "x"},{"id": 2',
]


def reference(thread: ThreadRecord) -> bytes:
    """What the writer wrote before its fast path: json's encoding of the documented dict."""
    return (jsonl._encode(jsonl.thread_to_dict(thread)) + "\n").encode("utf-8")


def claim(n: int, **changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "id": n,
        "annotator": "alice",
        "comment_id": "c1",
        "start": 0,
        "end": 1,
        "text": "x",
        "claim_type": "claim",
        "stance": "support",
        "stance_target": "thesis",
        "note": "",
        "created_at": "2026-01-02T03:04:05.123456+00:00",
        "updated_at": None,
    }
    value.update(changes)
    return value


def thread_with(**changes: Any) -> ThreadRecord:
    fields: dict[str, Any] = {
        "id": "t1",
        "title": "Title",
        "body": "Body",
        "comments": [CommentRecord(id="c1", parent_id=None, text="x")],
    }
    fields.update(changes)
    return ThreadRecord(**fields)


def test_it_writes_the_sample_as_json_dumps_does():
    for thread in jsonl.read(SAMPLE):
        assert jsonl.dumps_line(thread) == reference(thread)
        line = json.dumps(jsonl.thread_to_dict(thread), ensure_ascii=False) + "\n"
        assert jsonl.dumps_line(thread) == line.encode("utf-8")


@pytest.mark.parametrize("text", AWKWARD)
def test_it_escapes_strings_as_json_dumps_does(text):
    thread = thread_with(
        id=text or "t",
        title=text,
        body=text,
        author=text,
        url=text,
        comments=[
            CommentRecord(id="c1", parent_id=None, text=text, author=text),
            CommentRecord(id=text or "c2", parent_id="c1", text=text, meta={text: [text]}),
        ],
        annotations={
            "claims": [claim(1, text=text, note=text, annotator=text or "a", comment_id=text)],
            "reply_labels": [{"annotator": text, "comment_id": text, "label": text}],
        },
    )
    assert jsonl.dumps_line(thread) == reference(thread)


@pytest.mark.parametrize(
    "when",
    [
        None,
        datetime(2026, 1, 2, 3, 4, 5),  # naive: UTC
        datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=ZoneInfo("UTC")),
        datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
        datetime(1850, 1, 2, 3, 4, 5, tzinfo=ZoneInfo("Europe/Berlin")),  # offset in seconds
        datetime(33, 1, 2, tzinfo=UTC),
    ],
)
def test_it_writes_times_as_json_dumps_does(when):
    thread = thread_with(
        created_at=when,
        comments=[CommentRecord(id="c1", parent_id=None, text="x", created_at=when)],
        annotations={"claims": [claim(1, created_at=when, updated_at=when)], "reply_labels": []},
    )
    assert jsonl.dumps_line(thread) == reference(thread)


@pytest.mark.parametrize(
    "meta",
    [
        {},
        None,
        {"score": 1.5, "small": 1e-07, "big": 1e16, "nan": float("nan"), "neg": -0.0},
        {"nested": {"list": [1, 2.0, [], {}, [True, None]]}, "ü": "🙂"},
        {"huge": 2**70, "negative huge": -(2**64)},
    ],
)
def test_it_writes_meta_as_json_dumps_does(meta):
    thread = thread_with(
        meta=meta,
        comments=[CommentRecord(id="c1", parent_id=None, text="x", meta=meta)],  # type: ignore[arg-type]
    )
    assert jsonl.dumps_line(thread) == reference(thread)


@pytest.mark.parametrize(
    "changes",
    [
        {"stance_target": {"claim": 2}},
        {"stance_target": {"claim": "2"}},
        {"stance_target": {"claim": 2, "other": 1}},
        {"stance_target": {"other": None}},
        {"id": "a-string-id"},
        {"id": 2**64},  # past orjson's integers: the whole line goes through json
        {"start": 1.0, "end": True},
        {"note": None, "created_at": datetime(2026, 1, 2, tzinfo=UTC)},
        {"extra": "dropped"},
    ],
)
def test_it_writes_claim_values_as_json_dumps_does(changes):
    thread = thread_with(
        annotations={"claims": [claim(1, **changes)], "reply_labels": []},
        gold={"claims": [claim(2), claim(3, stance_target={"claim": 2})], "reply_labels": []},
    )
    assert jsonl.dumps_line(thread) == reference(thread)


def test_it_fills_missing_claim_keys_with_null_as_before():
    partial = {"id": 1, "annotator": "alice", "text": "x"}
    thread = thread_with(annotations={"claims": [partial], "reply_labels": [{"label": "x"}]})
    assert jsonl.dumps_line(thread) == reference(thread)


def test_it_writes_integer_and_odd_ids_as_json_dumps_does():
    thread = thread_with(
        id=7,  # type: ignore[arg-type]
        comments=[
            CommentRecord(id=1, parent_id=None, text="x", author=None),  # type: ignore[arg-type]
            CommentRecord(id=2, parent_id=1, text="y"),  # type: ignore[arg-type]
        ],
    )
    assert jsonl.dumps_line(thread) == reference(thread)


def test_it_writes_the_lines_it_encodes():
    threads = list(jsonl.read(SAMPLE))
    text = io.StringIO()

    assert jsonl.write(threads, text) == 2

    assert text.getvalue().encode("utf-8") == b"".join(jsonl.dumps_line(t) for t in threads)
    assert jsonl.dumps_thread(threads[0]) + "\n" == text.getvalue().splitlines(keepends=True)[0]


def test_csv_rows_as_bytes_are_what_the_csv_writer_writes():
    threads = list(jsonl.read(SAMPLE))
    text = io.StringIO(newline="")
    csv.write(threads, text)

    assert csv.HEADER.encode() + b"".join(csv.dumps_rows(t) for t in threads) == (
        text.getvalue().encode("utf-8")
    )


@pytest.mark.parametrize("text", AWKWARD)
def test_csv_quotes_awkward_text(text):
    thread = thread_with(annotations={"claims": [claim(1, text=text, note=text)]})
    row = next(iter(csv.thread_rows(thread)))
    written = csv.dumps_rows(thread).decode("utf-8")

    import csv as stdlib_csv

    (read,) = list(stdlib_csv.reader(io.StringIO(written, newline="")))
    assert read == [str(v) for v in row]
