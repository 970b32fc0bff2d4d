"""brat standoff, writing: a folder or zip of pairs and post maps, and pure round trips."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from tests.threads.brat_files import SAMPLES
from threads.formats import ReadOptions, brat, read_threads
from threads.formats.jsonl import thread_to_dict
from threads.formats.records import CommentRecord, ThreadRecord


def claim(cid: int, text: str, start: int, quote: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "annotator": "alice",
        "comment_id": None,
        "start": start,
        "end": start + len(quote),
        "text": quote,
        "claim_type": "claim",
        "stance": "neutral",
        "stance_target": "thesis",
        "note": "",
        "created_at": None,
        "updated_at": None,
        "relations": [],
        "attributes": {},
        **extra,
    }


def nested() -> ThreadRecord:
    """A Threadlab thread: c1 and c3 at the top level, c2 answering c1; alice, bob and gold."""
    comments = [
        CommentRecord("c1", None, "Sanctions 🙂 never\nchange minds.", "marat"),
        CommentRecord("c2", "c1", "They did in 1986.", "Dan Brown"),
        CommentRecord("c3", None, "Off topic.", ""),
    ]
    alice = [
        claim(1, "", 0, "Putin's trip", stance="support"),
        claim(2, "", 0, "Sanctions 🙂 never\nchange", comment_id="c1", stance="oppose",
              stance_target={"claim": 1}, note="first\nsecond",
              attributes={"Type1": "logos", "Hypothetical": "true", "Score": "3"},
              relations=[{"type": "main attack", "claim": 1}]),
        claim(3, "", 0, "Off topic", comment_id="c3", stance_target="thesis"),
    ]  # fmt: skip
    bob = [
        claim(4, "", 5, "did", comment_id="c2", annotator="bob", claim_type="premise",
              stance_target="parent"),
    ]  # fmt: skip
    gold = [
        claim(1, "", 0, "Putin's trip", annotator="victor", settled_by="victor", source="alice"),
        claim(2, "", 5, "did", comment_id="c2", annotator="victor", settled_by="victor",
              source=None, stance_target={"claim": 1}),
    ]  # fmt: skip
    return ThreadRecord(
        id="news/42",
        title="Putin visits Israel",
        body="Putin's trip comes amidst the war.",
        author="editor",
        comments=comments,
        annotations={
            "claims": alice + bob,
            "reply_labels": [
                {"annotator": "bob", "comment_id": "c2", "label": "deny", "toward": "parent"},
                {"annotator": "bob", "comment_id": "c2", "label": "comment", "toward": "root"},
            ],
        },
        gold={
            "claims": gold,
            "reply_labels": [
                {
                    "annotator": "victor",
                    "comment_id": "c1",
                    "label": "query",
                    "settled_by": "victor",
                    "source": "bob",
                },
            ],
        },  # fmt: skip
    )


def written(tmp_path: Path, *threads: ThreadRecord) -> Path:
    brat.write(threads, tmp_path / "out")
    return tmp_path / "out"


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_it_writes_a_txt_ann_and_post_map_per_annotator_and_for_gold(tmp_path):
    out = written(tmp_path, nested())

    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*")) == [
        "alice/news%2F42.ann",
        "alice/news%2F42.metadata",
        "alice/news%2F42.txt",
        "annotation.conf",
        "bob/news%2F42.ann",
        "bob/news%2F42.metadata",
        "bob/news%2F42.txt",
        "gold/news%2F42.ann",
        "gold/news%2F42.metadata",
        "gold/news%2F42.txt",
    ]


def test_the_txt_lays_the_title_body_and_comments_end_to_end_as_the_map_says(tmp_path):
    out = written(tmp_path, nested())
    text = text_of(out / "alice" / "news%2F42.txt")
    lines = text_of(out / "alice" / "news%2F42.metadata").splitlines()

    assert text.startswith("Putin visits Israel\n\nPutin's trip comes amidst the war.\n\n")
    assert lines[:4] == [
        "Title 0 19",
        "Body 21 55",
        "Content news/42 editor 21 55",
        "Content c1 marat 57 88",
    ]
    assert "Content c2 Dan%20Brown 90 107" in lines
    assert "Content c3 109 119" in lines  # no author
    assert text[90:107] == "They did in 1986."
    assert [line for line in lines if line.startswith("Reply ")] == [
        "Reply c1 news/42",
        "Reply c2 c1",
        "Reply c3 news/42",
    ]


def test_a_body_that_starts_with_its_title_is_written_once(tmp_path):
    thread = ThreadRecord(id="t", title="CMV: cars", body="CMV: cars\nare loud.")

    out = written(tmp_path, thread)

    assert text_of(out / "t.txt") == "CMV: cars\nare loud.\n"
    assert text_of(out / "t.metadata") == "Title 0 9\nContent t 0 19\n"


def test_the_ann_has_spans_stance_targets_attributes_relations_and_notes(tmp_path):
    out = written(tmp_path, nested())

    assert text_of(out / "alice" / "news%2F42.ann").splitlines() == [
        "T1\tclaim 21 33\tPutin's trip",
        "T2\tclaim 57 81\tSanctions 🙂 never change",
        "T3\tclaim 109 118\tOff topic",
        "A1\tStance T1 support",
        "A2\tStance T2 oppose",
        "R1\tStanceTarget Arg1:T2 Arg2:T1",
        "A3\tType1 T2 logos",
        "A4\tHypothetical T2",
        "A5\tScore T2 3",
        "R2\tmain%20attack Arg1:T2 Arg2:T1",
        "#1\tAnnotatorNotes T2\tfirst",
        "#2\tAnnotatorNotes T2\tsecond",
        "A6\tStanceTarget T3 thesis",
    ]


def test_an_attribute_value_other_than_text_is_written_as_its_json(tmp_path):
    values = {"Score": 3, "Tags": ["a b", "c"]}
    thread = ThreadRecord(
        id="t",
        title="",
        body="Cars.",
        annotations={"claims": [claim(1, "", 0, "Cars", attributes=values)]},
    )

    ann = text_of(written(tmp_path, thread) / "alice" / "t.ann")

    assert ann.splitlines()[1:] == ["A1\tScore T1 3", 'A2\tTags T1 ["a%20b","c"]']


def test_reply_labels_and_gold_provenance_go_in_the_post_map(tmp_path):
    out = written(tmp_path, nested())

    bob = text_of(out / "bob" / "news%2F42.metadata").splitlines()
    assert bob[-2:] == ["ReplyLabel c2 parent deny", "ReplyLabel c2 root comment"]
    gold = text_of(out / "gold" / "news%2F42.metadata").splitlines()
    assert "ReplyLabel c1 parent query victor bob" in gold
    assert gold[-2:] == ["Gold T1 victor alice", "Gold T2 victor"]


def test_annotation_conf_lists_the_types_relations_and_attributes_used(tmp_path):
    conf = text_of(written(tmp_path, nested()) / "annotation.conf")

    assert "[entities]\nclaim\npremise\n" in conf
    assert "StanceTarget\tArg1:<ENTITY>, Arg2:<ENTITY>" in conf
    assert "main%20attack\tArg1:<ENTITY>, Arg2:<ENTITY>" in conf
    assert "Stance\tArg:<ENTITY>, Value:support|oppose" in conf
    assert "Hypothetical\tArg:<ENTITY>\n" in conf


def test_a_thread_nobody_labelled_is_written_at_the_top_with_an_empty_ann(tmp_path):
    out = written(tmp_path, ThreadRecord(id="quiet", title="Quiet", body="Nothing here."))

    assert text_of(out / "quiet.ann") == ""
    assert (out / "quiet.txt").exists() and (out / "quiet.metadata").exists()


def test_a_zip_holds_the_folder_under_the_corpus_name():
    sink = io.BytesIO()

    brat.write_zip([nested()], sink, corpus_name="demo")

    with zipfile.ZipFile(io.BytesIO(sink.getvalue())) as archive:
        names = archive.namelist()
        assert "demo/annotation.conf" in names
        assert "demo/gold/news%2F42.ann" in names
        assert archive.read("demo/bob/news%2F42.ann").decode() == "T1\tpremise 95 98\tdid\n"


# --- round trips, without a database ---------------------------------------------------------


def labels(threads: list[ThreadRecord]) -> list[dict[str, Any]]:
    """The threads as jsonl dicts, claim ids replaced by (annotator, text, start) keys."""
    out = []
    for thread in threads:
        data = thread_to_dict(thread)
        for section in ("annotations", "gold"):
            found = data[section]["claims"]
            key = {c["id"]: (c["annotator"], c["comment_id"] or "", c["start"]) for c in found}
            for c in found:
                c["id"] = key[c["id"]]
                c["relations"] = [{**r, "claim": key[r["claim"]]} for r in c["relations"]]
                if isinstance(c["stance_target"], dict):
                    c["stance_target"] = {"claim": key[c["stance_target"]["claim"]]}
            found.sort(key=lambda c: c["id"])
        out.append(data)
    return out


def read_back(folder: Path) -> list[ThreadRecord]:
    return list(read_threads(folder, fmt="brat", options=ReadOptions()))


def test_threadlab_to_brat_to_threadlab_keeps_every_text_and_label(tmp_path):
    thread = nested()

    back = read_back(written(tmp_path, thread))

    assert labels(back) == labels([thread])


def test_brat_to_threadlab_to_brat_keeps_every_span_type_attribute_and_relation(tmp_path):
    for sample in ("plain", "cmv", "bytes"):
        first = read_back(SAMPLES / sample)
        again = read_back(written(tmp_path / sample, *first))

        assert labels(again) == labels(first)
