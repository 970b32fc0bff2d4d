"""CSV export: one row per claim."""

from __future__ import annotations

import csv as stdlib_csv
import io
from collections.abc import Iterator
from pathlib import Path

from threads.formats import csv, jsonl
from threads.formats.records import CommentRecord, ThreadRecord
from threads.formats.tree import order_comments

SAMPLE = Path(__file__).parent / "samples" / "threads.jsonl"


def rows_of(threads) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    csv.write(threads, out)
    return list(stdlib_csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_it_writes_the_header_even_without_claims():
    out = io.StringIO()
    assert csv.write([ThreadRecord(id="t", title="T", body="B")], out) == 0
    assert out.getvalue() == ",".join(csv.COLUMNS) + "\r\n"


def test_it_writes_one_row_per_claim_annotations_then_gold():
    rows = rows_of(jsonl.read(SAMPLE))
    assert [(r["claim_id"], r["annotator"], r["gold"]) for r in rows] == [
        ("1", "alice", "false"),
        ("2", "alice", "false"),
        ("3", "alice", "false"),
        ("4", "bob", "false"),
        ("5", "victor", "true"),
    ]


def test_it_counts_the_rows_written():
    assert csv.write(jsonl.read(SAMPLE), io.StringIO()) == 5


def test_it_leaves_the_comment_columns_empty_for_an_article_claim():
    row = rows_of(jsonl.read(SAMPLE))[0]
    assert (row["thread_id"], row["comment_id"], row["depth"], row["parent_id"]) == (
        "russia-israel",
        "",
        "",
        "",
    )


def test_it_computes_depth_and_parent_when_the_records_have_no_depth():
    row = rows_of(jsonl.read(SAMPLE))[2]
    assert (row["comment_id"], row["depth"], row["parent_id"]) == ("c2", "1", "c1")


def test_it_uses_the_depth_the_records_carry():
    thread = next(jsonl.read(SAMPLE))
    for comment in order_comments(thread).comments:
        comment.depth = (comment.depth or 0) + 10
    assert rows_of([thread])[2]["depth"] == "11"


def test_it_writes_a_claim_target_as_claim_and_id():
    rows = rows_of(jsonl.read(SAMPLE))
    assert [r["stance_target"] for r in rows] == ["thesis", "thesis", "claim:2", "thesis", "thesis"]


def test_it_writes_offsets_quote_labels_note_and_times():
    row = rows_of(jsonl.read(SAMPLE))[2]
    assert (row["start"], row["end"], row["text"]) == ("58", "70", "𝔗𝔯𝔲𝔰𝔱 no one")
    assert (row["claim_type"], row["stance"], row["note"]) == ("claim", "support", "sarcasm? 🤔")
    assert (row["created_at"], row["updated_at"]) == (
        "2026-11-20T10:15:00+00:00",
        "2026-11-20T10:16:30+00:00",
    )


def test_it_quotes_text_with_commas_quotes_and_line_breaks():
    text = 'He said, "no"\nand left.'
    thread = ThreadRecord(
        id="t",
        title="T",
        body="B",
        comments=[CommentRecord(id="c", parent_id=None, text=text)],
        annotations={
            "claims": [
                {
                    "id": 1,
                    "annotator": "a",
                    "comment_id": "c",
                    "start": 0,
                    "end": len(text),
                    "text": text,
                    "claim_type": "claim",
                    "stance": "oppose",
                    "stance_target": "parent",
                    "note": None,
                    "created_at": None,
                    "updated_at": None,
                }
            ],
            "reply_labels": [],
        },
    )
    row = rows_of([thread])[0]
    assert (row["text"], row["note"], row["created_at"]) == (text, "", "")


def test_it_writes_each_thread_before_reading_the_next():
    out = io.StringIO()
    seen: list[int] = []

    def threads() -> Iterator[ThreadRecord]:
        for thread in jsonl.read(SAMPLE):
            seen.append(out.getvalue().count("\n"))
            yield thread

    csv.write(threads(), out)
    assert seen == [1, 6]
