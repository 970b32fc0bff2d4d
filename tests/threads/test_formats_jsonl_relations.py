"""The jsonl codec's claim relations and attributes: read and checked as plain data, written
byte for byte as json.dumps does (csv and ConvoKit carry them too)."""

from __future__ import annotations

import csv as stdlib_csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from threads.formats import convokit, csv, jsonl
from threads.formats.records import CommentRecord, FormatError, ThreadRecord


def claim(cid: Any, **changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "id": cid,
        "annotator": "alice",
        "comment_id": None,
        "start": 0,
        "end": 4,
        "text": "Body",
        "claim_type": "claim",
        "stance": "support",
        "stance_target": "thesis",
    }
    value.update(changes)
    return value


def line(claims: list[dict[str, Any]], section: str = "annotations") -> str:
    thread = {
        "id": "t1",
        "title": "T",
        "body": "Body text.",
        "comments": [{"id": "c1", "parent_id": None, "text": "Reply text."}],
        section: {"claims": claims, "reply_labels": []},
    }
    return json.dumps(thread, ensure_ascii=False)


def read(claims: list[dict[str, Any]], section: str = "annotations") -> list[dict[str, Any]]:
    thread = jsonl.parse_line(line(claims, section), file="in.jsonl", line=1)
    labels = thread.annotations if section == "annotations" else thread.gold
    assert labels is not None
    return labels["claims"]


def error(claims: list[dict[str, Any]], section: str = "annotations") -> str:
    with pytest.raises(FormatError) as caught:
        read(claims, section)
    return str(caught.value)


def test_it_reads_a_claims_relations_and_attributes():
    claims = read(
        [
            claim(1, attributes={"Confidence": "high"}),
            claim(2, relations=[{"type": "support", "claim": 1}, {"type": "attack", "claim": 1}]),
        ]
    )
    assert claims[0]["attributes"] == {"Confidence": "high"}
    assert claims[1]["relations"] == [
        {"type": "support", "claim": 1},
        {"type": "attack", "claim": 1},
    ]


def test_it_reads_missing_relations_and_attributes_as_empty():
    (only,) = read([claim(1)])
    assert (only["relations"], only["attributes"]) == ([], {})


def test_it_reads_a_gold_relations_provenance():
    claims = read(
        [
            claim(1, annotator="victor"),
            claim(
                2, annotator="victor", relations=[{"type": "support", "claim": 1, "source": "al"}]
            ),
        ],
        section="gold",
    )
    assert claims[1]["relations"] == [
        {"type": "support", "claim": 1, "settled_by": None, "source": "al"}
    ]


@pytest.mark.parametrize(
    ("relations", "message"),
    [
        ({"type": "support", "claim": 1}, '"relations" must be a list, not an object'),
        (["support"], "relation 1 must be an object, not a string"),
        ([{"type": "", "claim": 1}], '"type" must be a non-empty string'),
        ([{"type": "support", "claim": None}], '"claim" must be the id of a claim of this line'),
        ([{"type": "support", "claim": 1, "note": "x"}], "unknown field 'note'"),
        ([{"type": "support", "claim": 1}, {"type": "support", "claim": 1}], "twice"),
    ],
)
def test_it_refuses_malformed_relations(relations, message):
    text = error([claim(1), claim(2, relations=relations)])
    assert "in.jsonl, line 1" in text and "claim 2" in text and message in text


def test_it_refuses_a_relation_to_a_claim_of_another_section():
    assert "relation to claim 7, which is not in annotations" in error(
        [claim(1, relations=[{"type": "support", "claim": 7}])]
    )


def test_it_refuses_a_relation_to_another_annotators_claim():
    text = error([claim(1, annotator="bob"), claim(2, relations=[{"type": "support", "claim": 1}])])
    assert "relates only to its annotator's own claims" in text


def test_it_lets_a_gold_claim_relate_to_any_gold_claim():
    claims = read(
        [
            claim(1, annotator="victor"),
            claim(2, annotator="wendy", relations=[{"type": "support", "claim": 1}]),
        ],
        section="gold",
    )
    assert claims[1]["relations"][0]["claim"] == 1


@pytest.mark.parametrize("attributes", [["high"], {"Confidence": 1}, {"": "x"}])
def test_it_refuses_attributes_that_are_not_names_to_strings(attributes):
    assert "attribute" in error([claim(1, attributes=attributes)])


def record() -> ThreadRecord:
    claims = [
        claim(1, comment_id="c1", text="Repl", attributes={"Negated": "yes", "Note": 'say "hi"\n'}),
        claim(2, relations=[{"type": "support", "claim": 1}]),
    ]
    return ThreadRecord(
        id="t1",
        title="T",
        body="Body",
        comments=[CommentRecord(id="c1", parent_id=None, text="Reply")],
        annotations={"claims": claims, "reply_labels": []},
    )


def test_it_writes_relations_and_attributes_as_json_dumps_does():
    thread = record()
    expected = json.dumps(jsonl.thread_to_dict(thread), ensure_ascii=False) + "\n"
    assert jsonl.dumps_line(thread) == expected.encode("utf-8")


def test_it_writes_relations_and_attributes_columns_in_csv():
    out = io.StringIO()
    csv.write([record()], out)
    rows = list(stdlib_csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[1]["relations"] == '[{"type": "support", "claim": 1}]'
    assert json.loads(rows[0]["attributes"]) == {"Negated": "yes", "Note": 'say "hi"\n'}
    assert rows[0]["relations"] == "" and rows[1]["attributes"] == ""


def test_it_carries_relations_and_attributes_in_convokit_meta(tmp_path: Path):
    convokit.write([record()], tmp_path, corpus_name="c")
    (back,) = list(convokit.read(tmp_path))
    assert back.annotations is not None
    by_id = {c["id"]: c for c in back.annotations["claims"]}
    assert by_id[2]["relations"] == [{"type": "support", "claim": 1}]
    assert by_id[1]["attributes"] == {"Negated": "yes", "Note": 'say "hi"\n'}
