"""JSON Lines: reading threads (with annotations and gold) and writing them back."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from threads.formats import jsonl, read_threads
from threads.formats.records import CommentRecord, FormatError, ThreadRecord
from threads.formats.tree import order_comments

SAMPLE = Path(__file__).parent / "samples" / "threads.jsonl"


def sample_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SAMPLE.read_text("utf-8").splitlines() if line]


def write_lines(tmp_path: Path, *objects: Any, name: str = "threads.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8"
    )
    return path


def minimal(**changes: Any) -> dict[str, Any]:
    thread: dict[str, Any] = {
        "id": "t1",
        "title": "Title",
        "body": "A body with a claim.",
        "comments": [
            {"id": "c1", "parent_id": None, "text": "First comment."},
            {"id": "c2", "parent_id": "c1", "text": "A reply 😀 here."},
        ],
    }
    thread.update(changes)
    return thread


def claim(**changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "id": 1,
        "annotator": "alice",
        "comment_id": None,
        "start": 2,
        "end": 6,
        "text": "body",
        "claim_type": "claim",
        "stance": "support",
        "stance_target": "thesis",
        "note": "",
        "created_at": "2026-11-20T10:00:00+00:00",
        "updated_at": None,
        "relations": [],
        "attributes": {},
    }
    value.update(changes)
    return value


def read_error(path: Path) -> FormatError:
    with pytest.raises(FormatError) as caught:
        list(jsonl.read(path))
    return caught.value


# --- reading -----------------------------------------------------------------------------


def test_it_reads_one_thread_a_line_skipping_blank_lines():
    threads = list(jsonl.read(SAMPLE))
    assert [t.id for t in threads] == ["russia-israel", "1042"]
    assert [t.line for t in threads] == [1, 3]


def test_it_reads_the_thread_fields():
    thread = next(jsonl.read(SAMPLE))
    assert thread.title == "A Growing Russian-Israeli Alliance?"
    assert thread.author == "FrontPage"
    assert thread.url == "https://example.org/russia-israel"
    assert thread.created_at == datetime(2012, 6, 13, 8, tzinfo=UTC)
    assert thread.meta == {"source": "frontpagemag"}


def test_it_keeps_comments_in_file_order():
    thread = next(jsonl.read(SAMPLE))
    assert [(c.id, c.parent_id) for c in thread.comments] == [
        ("c2", "c1"),
        ("c1", None),
        ("c4", "c3"),
        ("c3", None),
    ]


def test_it_turns_integer_ids_into_strings():
    thread = list(jsonl.read(SAMPLE))[1]
    assert (thread.id, [(c.id, c.parent_id) for c in thread.comments]) == (
        "1042",
        [("7", None), ("8", "7")],
    )


def test_it_fills_optional_comment_fields_with_defaults():
    c4 = next(jsonl.read(SAMPLE)).comments[2]
    assert (c4.author, c4.created_at, c4.meta) == ("", None, {})


def test_it_reads_a_time_ending_in_z_as_utc():
    c2 = next(jsonl.read(SAMPLE)).comments[0]
    assert c2.created_at == datetime(2012, 6, 13, 9, 30, tzinfo=UTC)


def test_it_reads_a_time_without_offset_as_utc():
    c1 = next(jsonl.read(SAMPLE)).comments[1]
    assert c1.created_at == datetime(2012, 6, 13, 9, 0, tzinfo=UTC)


def test_it_keeps_a_time_offset(tmp_path):
    path = write_lines(tmp_path, minimal(created_at="2012-06-13T11:00:00+03:00"))
    created = next(jsonl.read(path)).created_at
    assert created is not None
    assert created.utcoffset() == timedelta(hours=3)
    assert created == datetime(2012, 6, 13, 8, tzinfo=UTC)


def test_it_reads_annotations_and_gold_as_plain_dicts():
    thread = next(jsonl.read(SAMPLE))
    assert thread.annotations is not None and thread.gold is not None
    assert [c["id"] for c in thread.annotations["claims"]] == [1, 2, 3, 4]
    assert thread.annotations["claims"][2]["stance_target"] == {"claim": 2}
    assert thread.annotations["claims"][2]["text"] == "𝔗𝔯𝔲𝔰𝔱 no one"
    assert thread.gold["reply_labels"] == [
        {
            "annotator": "victor",
            "comment_id": "c2",
            "label": "support",
            "toward": "parent",
            "settled_by": "victor",
            "source": None,
        }
    ]


def test_it_reads_one_label_of_an_annotator_toward_each_direction(tmp_path):
    labels = [
        {"annotator": "alice", "comment_id": "c1", "label": "support", "toward": "root"},
        {"annotator": "alice", "comment_id": "c1", "label": "deny", "toward": "parent"},
    ]
    path = write_lines(tmp_path, minimal(annotations={"claims": [], "reply_labels": labels}))
    read = next(jsonl.read(path)).annotations["reply_labels"]  # type: ignore[index]
    assert [(r["toward"], r["label"]) for r in read] == [("root", "support"), ("parent", "deny")]


def test_it_refuses_a_reply_label_toward_anything_else(tmp_path):
    labels = [{"annotator": "alice", "comment_id": "c1", "label": "support", "toward": "thesis"}]
    path = write_lines(tmp_path, minimal(annotations={"claims": [], "reply_labels": labels}))
    assert '"toward" \'thesis\' is neither "parent"' in str(read_error(path))


def test_it_reads_a_reply_label_without_toward_as_toward_the_parent(tmp_path):
    labels = [{"annotator": "alice", "comment_id": "c1", "label": "support"}]
    path = write_lines(tmp_path, minimal(annotations={"claims": [], "reply_labels": labels}))
    assert next(jsonl.read(path)).annotations["reply_labels"][0]["toward"] == "parent"  # type: ignore[index]


def test_it_leaves_annotations_none_when_the_line_has_none():
    assert list(jsonl.read(SAMPLE))[1].annotations is None


def test_it_fills_a_missing_note_and_times(tmp_path):
    raw = claim()
    del raw["note"], raw["created_at"], raw["updated_at"]
    path = write_lines(tmp_path, minimal(annotations={"claims": [raw], "reply_labels": []}))
    read_claim = next(jsonl.read(path)).annotations["claims"][0]  # type: ignore[index]
    assert (read_claim["note"], read_claim["created_at"], read_claim["updated_at"]) == (
        "",
        None,
        None,
    )
    assert list(read_claim) == list(jsonl.CLAIM_KEYS)


def test_it_is_what_read_threads_uses_for_jsonl_files():
    assert [t.id for t in read_threads(SAMPLE)] == ["russia-israel", "1042"]


def test_it_reads_lazily_line_by_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(minimal()) + "\n{not json\n", encoding="utf-8")
    threads = jsonl.read(path)
    assert next(threads).id == "t1"
    with pytest.raises(FormatError):
        next(threads)


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "body", "comments"])
def test_it_rejects_a_thread_missing_a_required_field(tmp_path, field):
    thread = minimal()
    del thread[field]
    error = read_error(write_lines(tmp_path, minimal(id="ok"), thread))
    assert (error.file, error.line, error.record) == (str(tmp_path / "threads.jsonl"), 2, "t1")
    assert f'missing required field "{field}"' in str(error)


def test_it_rejects_a_thread_without_an_id_naming_the_line(tmp_path):
    thread = minimal()
    del thread["id"]
    error = read_error(write_lines(tmp_path, thread))
    assert str(error) == f'{tmp_path / "threads.jsonl"}, line 1: missing required field "id"'


@pytest.mark.parametrize("field", ["id", "text", "parent_id"])
def test_it_rejects_a_comment_missing_a_required_field(tmp_path, field):
    thread = minimal()
    del thread["comments"][1][field]
    error = read_error(write_lines(tmp_path, thread))
    assert (error.line, error.record) == (1, "t1")
    assert f'required field "{field}"' in str(error)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": None}, '"title" must be a string, not null'),
        ({"body": 3}, '"body" must be a string, not a number'),
        ({"comments": {}}, '"comments" must be a list, not an object'),
        ({"meta": []}, '"meta" must be an object, not a list'),
        ({"author": 1}, '"author" must be a string or null'),
        ({"id": True}, '"id" must be a non-empty string or an integer'),
    ],
)
def test_it_rejects_a_field_of_the_wrong_type(tmp_path, changes, expected):
    error = read_error(write_lines(tmp_path, minimal(**changes)))
    assert error.line == 1
    assert expected in str(error)


def test_it_rejects_comment_text_of_the_wrong_type(tmp_path):
    thread = minimal()
    thread["comments"][0]["text"] = ["not", "text"]
    error = read_error(write_lines(tmp_path, thread))
    assert "comment 'c1': \"text\" must be a string, not a list" in str(error)


def test_it_rejects_a_comment_that_is_not_an_object(tmp_path):
    error = read_error(write_lines(tmp_path, minimal(comments=["hello"])))
    assert "comment 1 must be an object, not a string" in str(error)


def test_it_rejects_a_line_that_is_not_an_object(tmp_path):
    error = read_error(write_lines(tmp_path, [1, 2]))
    assert "expected a JSON object for a thread, found a list" in str(error)


def test_it_rejects_a_duplicate_comment_id_naming_line_and_thread(tmp_path):
    thread = minimal()
    thread["comments"][1]["id"] = "c1"
    error = read_error(write_lines(tmp_path, thread))
    assert str(error) == (
        f"{tmp_path / 'threads.jsonl'}, line 1, record t1: duplicate comment id 'c1'"
    )


def test_it_leaves_a_missing_parent_to_ordering_which_names_both_ids(tmp_path):
    thread = minimal()
    thread["comments"][1]["parent_id"] = "c9"
    path = write_lines(tmp_path, minimal(id="t0"), thread)
    record = list(jsonl.read(path))[1]
    with pytest.raises(FormatError) as caught:
        order_comments(record, file=str(path))
    assert str(caught.value).startswith(f"{path}, line 2, record t1: comment 'c2' replies to 'c9'")


def test_it_leaves_a_reply_cycle_to_ordering_which_names_line_and_thread(tmp_path):
    thread = minimal()
    thread["comments"][0]["parent_id"] = "c2"
    path = write_lines(tmp_path, thread)
    with pytest.raises(FormatError, match="reply cycle: 'c") as caught:
        order_comments(next(jsonl.read(path)), file=str(path))
    assert (caught.value.line, caught.value.record) == (1, "t1")


def test_it_rejects_a_cut_short_last_line(tmp_path):
    path = tmp_path / "t.jsonl"
    full = json.dumps(minimal())
    path.write_text(full + "\n" + full[:40], encoding="utf-8")
    error = read_error(path)
    assert error.line == 2
    assert "invalid JSON" in str(error) and "cut short" in str(error)


def test_it_rejects_invalid_json_in_the_middle(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "t1",,}\n' + json.dumps(minimal()) + "\n", encoding="utf-8")
    error = read_error(path)
    assert error.line == 1
    assert "cut short" not in str(error)


def test_it_rejects_a_line_that_is_not_utf8(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(json.dumps(minimal()).encode() + b"\n" + b'{"id": "caf\xe9"}\n')
    error = read_error(path)
    assert (error.file, error.line) == (str(path), 2)
    assert "not UTF-8" in str(error)


def test_it_rejects_a_time_that_is_not_iso_8601(tmp_path):
    error = read_error(write_lines(tmp_path, minimal(created_at="13/06/2012")))
    assert "\"created_at\" '13/06/2012' is not an ISO 8601 time" in str(error)


# --- annotations -------------------------------------------------------------------------


def with_claims(*claims: dict[str, Any], labels: list[Any] | None = None) -> dict[str, Any]:
    return minimal(annotations={"claims": list(claims), "reply_labels": labels or []})


def test_it_reads_a_claim_on_a_comment(tmp_path):
    raw = claim(comment_id="c2", start=8, end=9, text="😀")
    path = write_lines(tmp_path, with_claims(raw))
    assert next(jsonl.read(path)).annotations == {"claims": [raw], "reply_labels": []}


@pytest.mark.parametrize("field", ["annotator", "start", "stance_target"])
def test_it_rejects_a_claim_missing_a_required_field(tmp_path, field):
    raw = claim()
    del raw[field]
    error = read_error(write_lines(tmp_path, with_claims(raw)))
    assert (error.line, error.record) == (1, "t1")
    assert f'annotations claim 1 is missing required field "{field}"' in str(error)


def test_it_rejects_a_claim_whose_start_is_not_before_its_end(tmp_path):
    error = read_error(write_lines(tmp_path, with_claims(claim(start=6, end=6, text=""))))
    assert "span [6, 6) must satisfy 0 <= start < end <= 20" in str(error)


def test_it_rejects_a_claim_past_the_end_of_its_text(tmp_path):
    error = read_error(write_lines(tmp_path, with_claims(claim(start=2, end=99))))
    assert "annotations claim 1: span [2, 99)" in str(error)


def test_it_rejects_a_claim_whose_quote_differs_from_the_text(tmp_path):
    error = read_error(write_lines(tmp_path, with_claims(claim(text="bode"))))
    assert "\"text\" 'bode' is not the text at [2, 6): 'body'" in str(error)


def test_it_rejects_a_claim_on_a_comment_not_in_the_line(tmp_path):
    error = read_error(write_lines(tmp_path, with_claims(claim(comment_id="c9"))))
    assert "\"comment_id\" 'c9' names no comment here" in str(error)


def test_it_rejects_a_claim_with_a_non_integer_offset(tmp_path):
    error = read_error(write_lines(tmp_path, with_claims(claim(start="2"))))
    assert '"start" and "end" must be integers' in str(error)


def test_it_rejects_a_duplicate_claim_id(tmp_path):
    error = read_error(write_lines(tmp_path, with_claims(claim(), claim())))
    assert "duplicate claim id 1 in annotations" in str(error)


def test_it_rejects_a_target_claim_that_is_not_in_the_line(tmp_path):
    raw = claim(stance_target={"claim": 7})
    error = read_error(write_lines(tmp_path, with_claims(raw)))
    assert "annotations claim 1 targets claim 7, which is not in annotations" in str(error)


def test_it_rejects_a_target_claim_of_another_annotator(tmp_path):
    first = claim()
    second = claim(id=2, annotator="bob", stance_target={"claim": 1})
    error = read_error(write_lines(tmp_path, with_claims(first, second)))
    assert "targets claim 1 by 'alice'" in str(error)


def test_it_rejects_claims_that_target_each_other(tmp_path):
    first = claim(stance_target={"claim": 2})
    second = claim(id=2, stance_target={"claim": 1})
    error = read_error(write_lines(tmp_path, with_claims(first, second)))
    assert "claims target each other in a cycle: 1 -> 2 -> 1" in str(error)


def test_it_rejects_a_gold_claim_targeting_an_annotator_claim(tmp_path):
    thread = with_claims(claim())
    thread["gold"] = {"claims": [claim(id=2, stance_target={"claim": 1})], "reply_labels": []}
    error = read_error(write_lines(tmp_path, thread))
    assert "gold claim 2 targets claim 1, which is not in gold" in str(error)


def test_it_rejects_a_reply_label_on_the_article(tmp_path):
    label = {"annotator": "alice", "comment_id": None, "label": "support"}
    error = read_error(write_lines(tmp_path, with_claims(labels=[label])))
    assert 'annotations reply label 1: "comment_id" None names no comment here' in str(error)


def test_it_rejects_two_reply_labels_by_one_annotator_on_one_comment(tmp_path):
    label = {"annotator": "alice", "comment_id": "c1", "label": "support"}
    error = read_error(write_lines(tmp_path, with_claims(labels=[label, dict(label)])))
    assert "'alice' labels comment 'c1' toward parent twice" in str(error)


def test_it_rejects_a_claim_time_that_is_not_iso_8601(tmp_path):
    error = read_error(write_lines(tmp_path, with_claims(claim(updated_at="yesterday"))))
    assert "\"updated_at\" 'yesterday' is not an ISO 8601 time" in str(error)


# --- writing -----------------------------------------------------------------------------


def write_text(threads: list[ThreadRecord]) -> str:
    out = io.StringIO()
    jsonl.write(threads, out)
    return out.getvalue()


def test_it_writes_read_and_writes_again_identically(tmp_path):
    first = write_text(list(jsonl.read(SAMPLE)))
    path = tmp_path / "again.jsonl"
    path.write_text(first, encoding="utf-8")
    assert write_text(list(jsonl.read(path))) == first


def test_it_writes_the_annotations_it_read():
    written = json.loads(write_text(list(jsonl.read(SAMPLE))).splitlines()[0])
    original = sample_lines()[0]
    assert written["annotations"] == original["annotations"]
    assert written["gold"] == original["gold"]


def test_it_writes_non_ascii_text_as_is():
    line = write_text([next(jsonl.read(SAMPLE))])
    assert "𝔗𝔯𝔲𝔰𝔱 no one" in line and "🇮🇱" in line and "\\u" not in line


def test_it_writes_the_keys_in_the_documented_order():
    written = json.loads(write_text([next(jsonl.read(SAMPLE))]))
    assert list(written) == [
        "id",
        "title",
        "body",
        "author",
        "url",
        "created_at",
        "meta",
        "comments",
        "annotations",
        "gold",
    ]
    assert list(written["comments"][0]) == [
        "id",
        "parent_id",
        "author",
        "text",
        "created_at",
        "meta",
    ]
    assert list(written["annotations"]["claims"][0]) == list(jsonl.CLAIM_KEYS)


def test_it_writes_one_line_per_thread_and_counts_them():
    out = io.StringIO()
    assert jsonl.write(jsonl.read(SAMPLE), out) == 2
    assert out.getvalue().count("\n") == 2


def test_it_writes_empty_label_sections_for_a_thread_without_labels():
    written = json.loads(write_text([ThreadRecord(id="t", title="T", body="B")]))
    assert written["annotations"] == {"claims": [], "reply_labels": []}
    assert written["gold"] == {"claims": [], "reply_labels": []}


def test_it_writes_times_as_iso_8601_with_offset():
    tz = timezone(timedelta(hours=2))
    thread = ThreadRecord(
        id="t",
        title="T",
        body="B",
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=tz),
        comments=[CommentRecord(id="c", parent_id=None, text="x", created_at=datetime(2026, 1, 2))],
        annotations={"claims": [claim(created_at=datetime(2026, 1, 2, tzinfo=UTC))]},
    )
    written = json.loads(write_text([thread]))
    assert written["created_at"] == "2026-01-02T03:04:05+02:00"
    assert written["comments"][0]["created_at"] == "2026-01-02T00:00:00+00:00"
    assert written["annotations"]["claims"][0]["created_at"] == "2026-01-02T00:00:00+00:00"


def test_it_does_not_change_the_records_it_writes():
    thread = next(jsonl.read(SAMPLE))
    before = copy.deepcopy(thread)
    write_text([thread])
    assert thread == before


def test_it_reads_an_integer_past_64_bits_as_json_does():
    # orjson refuses it; the reader falls back to json rather than refuse the file.
    line = json.dumps({"id": "t", "title": "T", "body": "B", "meta": {"n": 2**70}, "comments": []})

    record = jsonl.parse_line(line.encode(), file="f.jsonl", line=1)

    assert record.meta == {"n": 2**70}


def test_it_names_the_column_of_invalid_json():
    with pytest.raises(FormatError, match="invalid JSON: Expecting ',' delimiter at column 12"):
        jsonl.parse_line(b'{"id": "t" "title": "T"}\n', file="f.jsonl", line=3)


# --- values no database stores, and links that are not http(s) ---------------------------


def raw_lines(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "threads.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def jsonl_error(path: Path) -> FormatError:
    with pytest.raises(FormatError) as caught:
        list(jsonl.read(path))
    return caught.value


def test_it_refuses_nan_in_meta_naming_the_line_and_field(tmp_path):
    path = raw_lines(
        tmp_path, json.dumps(minimal()), json.dumps(minimal(id="t2", meta={"score": float("nan")}))
    )
    error = jsonl_error(path)
    assert (error.line, error.record) == (2, "t2")
    assert '"meta.score" is NaN' in error.message


def test_it_refuses_infinity_in_a_comments_meta(tmp_path):
    thread = minimal()
    thread["comments"][1]["meta"] = {"votes": [1, float("-inf")]}
    error = jsonl_error(raw_lines(tmp_path, json.dumps(thread)))
    assert "comment 'c2': \"meta.votes[1]\" is -Infinity" in error.message


def test_it_refuses_a_nul_character_in_meta(tmp_path):
    error = jsonl_error(raw_lines(tmp_path, json.dumps(minimal(meta={"source": "a\u0000b"}))))
    assert '"meta.source" holds a NUL character' in error.message


def test_it_refuses_a_lone_surrogate_in_a_comment_text(tmp_path):
    line = json.dumps(minimal()).replace("First comment.", "First \\ud800 comment.")
    error = jsonl_error(raw_lines(tmp_path, line))
    assert error.line == 1
    assert "comment 'c1': \"text\" holds a lone surrogate (\\ud800)" in error.message


def test_it_refuses_a_lone_surrogate_in_a_claim_note(tmp_path):
    line = json.dumps(minimal(annotations={"claims": [claim(note="see \\udfff")]}))
    error = jsonl_error(raw_lines(tmp_path, line.replace("\\\\udfff", "\\udfff")))
    assert '"annotations.claims[0].note" holds a lone surrogate' in error.message


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "ftp://x.org/a"]
)
def test_it_refuses_an_article_url_that_is_not_http(tmp_path, url):
    error = jsonl_error(raw_lines(tmp_path, json.dumps(minimal(url=url))))
    assert (error.line, error.record) == (1, "t1")
    assert '"url" is a' in error.message and "only http:// and https://" in error.message


def test_it_takes_an_http_article_url(tmp_path):
    [thread] = jsonl.read(raw_lines(tmp_path, json.dumps(minimal(url="http://example.org/a"))))
    assert thread.url == "http://example.org/a"


def test_it_writes_no_url_as_null():
    line = json.loads(jsonl.dumps_thread(ThreadRecord(id="t1", title="T", body="B", url="")))
    assert line["url"] is None
