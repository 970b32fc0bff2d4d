"""ConvoKit corpora: reading a folder or its utterances.jsonl, writing a folder or a zip."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from threads.formats import convokit, jsonl, read_threads
from threads.formats.records import FormatError, ThreadRecord
from threads.formats.tree import order_comments

SAMPLE = Path(__file__).parent / "samples" / "convokit_corpus"
JSONL_SAMPLE = Path(__file__).parent / "samples" / "threads.jsonl"


def by_id(threads) -> dict[str, ThreadRecord]:
    return {t.id: t for t in threads}


def utterance(uid: str, conversation: str, reply_to: str | None, text: str = "x", **extra: Any):
    return {
        "id": uid,
        "conversation_id": conversation,
        "reply-to": reply_to,
        "speaker": "s",
        "timestamp": None,
        "text": text,
        "meta": {},
        **extra,
    }


def corpus_file(tmp_path: Path, *utterances: dict[str, Any]) -> Path:
    path = tmp_path / "utterances.jsonl"
    path.write_text("".join(json.dumps(u) + "\n" for u in utterances), encoding="utf-8")
    return path


def read_error(path: Path) -> FormatError:
    with pytest.raises(FormatError) as caught:
        list(convokit.read(path))
    return caught.value


# --- reading -----------------------------------------------------------------------------


def test_it_reads_one_thread_per_conversation():
    assert sorted(t.id for t in convokit.read(SAMPLE)) == ["post-1", "post-2"]


def test_it_yields_a_conversation_once_its_last_utterance_is_read():
    # post-2 ends on line 5, post-1 on line 7: utterances of the two are interleaved.
    assert [t.id for t in convokit.read(SAMPLE)] == ["post-2", "post-1"]


def test_it_makes_the_utterance_whose_id_is_the_conversation_id_the_article():
    thread = by_id(convokit.read(SAMPLE))["post-1"]
    assert thread.body.startswith("Putin's trip comes amidst")
    assert (thread.author, thread.created_at) == ("editor", datetime(2012, 6, 13, 12, tzinfo=UTC))
    assert thread.meta == {"section": "opinion", "score": 41}


def test_it_takes_the_title_and_url_from_conversations_json():
    thread = by_id(convokit.read(SAMPLE))["post-1"]
    assert (thread.title, thread.url) == (
        "Russia, Syria and Israel",
        "https://example.org/2012/06/russia-israel",
    )


def test_it_takes_the_title_from_the_article_meta_otherwise():
    assert by_id(convokit.read(SAMPLE))["post-2"].title == "A shared language"


def test_it_takes_the_title_from_the_first_line_of_the_article_last(tmp_path):
    path = corpus_file(tmp_path, utterance("a", "a", None, text="\n  First line  \nSecond"))
    assert next(convokit.read(path)).title == "First line"


def test_it_makes_replies_to_the_article_top_level_comments():
    thread = by_id(convokit.read(SAMPLE))["post-1"]
    ordered = order_comments(thread)
    assert [(c.id, c.parent_id, c.depth) for c in ordered.comments] == [
        ("u-101", None, 0),
        ("u-103", "u-101", 1),
        ("u-104", "u-103", 2),
        ("u-102", None, 0),
    ]


def test_it_reads_unix_timestamps_as_utc_and_null_as_none():
    threads = by_id(convokit.read(SAMPLE))
    u104 = threads["post-1"].comments[2]
    assert u104.created_at == datetime(2012, 6, 13, 12, 18, 20, 250000, tzinfo=UTC)
    assert threads["post-2"].comments[0].created_at is None


def test_it_reads_the_utterances_file_itself_with_its_folder():
    threads = by_id(read_threads(SAMPLE / "utterances.jsonl"))
    assert threads["post-1"].title == "Russia, Syria and Israel"


def test_it_reads_old_corpora_with_user_root_and_reply_to(tmp_path):
    lines = [
        {"id": "r", "root": "r", "user": "op", "reply_to": None, "text": "Post", "timestamp": 5},
        {"id": "k", "root": "r", "user": "u2", "reply_to": "r", "text": "Top", "timestamp": 6},
        {"id": "m", "root": "r", "user": "u3", "reply_to": "k", "text": "Reply", "timestamp": 7},
    ]
    thread = next(convokit.read(corpus_file(tmp_path, *lines)))
    assert thread.author == "op"
    assert [(c.id, c.parent_id, c.author) for c in thread.comments] == [
        ("k", None, "u2"),
        ("m", "k", "u3"),
    ]


def test_it_keeps_a_reply_to_an_unknown_utterance_as_an_orphan(tmp_path):
    path = corpus_file(tmp_path, utterance("a", "a", None), utterance("b", "a", "gone"))
    thread = next(convokit.read(path))
    assert thread.comments[0].parent_id == "gone"
    assert order_comments(thread, orphans="attach").orphans_attached == 1


def test_it_rejects_a_reply_to_another_conversation_naming_both_ids(tmp_path):
    path = corpus_file(
        tmp_path,
        utterance("a", "a", None),
        utterance("b", "b", None),
        utterance("b1", "b", "b"),
        utterance("a1", "a", "b1"),
    )
    error = read_error(path)
    assert (error.file, error.line) == (str(path), 4)
    assert "utterance 'a1' replies to 'b1', which is in conversation 'b', not in 'a'" in str(error)


def test_it_rejects_a_conversation_without_its_article(tmp_path):
    path = corpus_file(tmp_path, utterance("x", "conv", None), utterance("y", "conv", "x"))
    error = read_error(path)
    assert (error.line, error.record) == (1, "conv")
    assert "has no utterance with id 'conv'" in str(error)


def test_it_rejects_a_duplicate_utterance_id(tmp_path):
    path = corpus_file(tmp_path, utterance("a", "a", None), utterance("a", "a", None))
    assert "duplicate utterance id 'a'" in str(read_error(path))


def test_it_rejects_an_utterance_line_that_is_cut_short(tmp_path):
    path = corpus_file(tmp_path, utterance("a", "a", None))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"id": "b", "conv')
    error = read_error(path)
    assert error.line == 2
    assert "cut short" in str(error)


def test_it_rejects_an_utterance_without_a_conversation(tmp_path):
    path = corpus_file(tmp_path, {"id": "a", "text": "x"})
    error = read_error(path)
    assert (error.line, error.record) == (1, "a")
    assert 'missing "conversation_id"' in str(error)


def test_it_rejects_a_timestamp_that_is_not_a_number(tmp_path):
    path = corpus_file(tmp_path, utterance("a", "a", None, timestamp="noon"))
    assert "\"timestamp\" 'noon' is not unix seconds" in str(read_error(path))


def test_it_rejects_a_folder_without_utterances(tmp_path):
    error = read_error(tmp_path)
    assert error.file == str(tmp_path)
    assert "has no utterances.jsonl" in str(error)


# --- writing -----------------------------------------------------------------------------


def written(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    convokit.write(jsonl.read(JSONL_SAMPLE), folder, corpus_name="demo")
    return folder


def utterances_of(folder: Path) -> list[dict[str, Any]]:
    text = (folder / "utterances.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_it_writes_the_five_files(tmp_path):
    names = sorted(p.name for p in written(tmp_path).iterdir())
    assert names == sorted(convokit.FILES)


def test_it_counts_the_threads_written(tmp_path):
    assert convokit.write(jsonl.read(JSONL_SAMPLE), tmp_path, corpus_name="demo") == 2


def test_it_writes_utterances_as_convokit_dumps_them(tmp_path):
    first = utterances_of(written(tmp_path))[0]
    assert list(first) == [
        "id",
        "conversation_id",
        "text",
        "speaker",
        "meta",
        "reply-to",
        "timestamp",
        "vectors",
    ]
    assert (first["id"], first["conversation_id"], first["reply-to"]) == (
        "russia-israel",
        "russia-israel",
        None,
    )
    assert first["timestamp"] == 1339574400


def test_it_prefixes_comment_utterance_ids_with_the_thread_id(tmp_path):
    lines = utterances_of(written(tmp_path))
    assert [(u["id"], u["reply-to"]) for u in lines[1:5]] == [
        ("russia-israel/c2", "russia-israel/c1"),
        ("russia-israel/c1", "russia-israel"),
        ("russia-israel/c4", "russia-israel/c3"),
        ("russia-israel/c3", "russia-israel"),
    ]
    assert lines[1]["meta"]["threadlab_id"] == "c2"


def slashed_threads() -> list[ThreadRecord]:
    # Joined naively, "a" + "b/c" and "a/b" + "c" would both be "a/b/c", and comment "b"
    # of "a" would be "a/b", the article of thread "a/b".
    from threads.formats.records import CommentRecord

    def thread(tid: str, *cids: str) -> ThreadRecord:
        comments = [CommentRecord(id=c, parent_id=None, text=f"on {tid}") for c in cids]
        return ThreadRecord(id=tid, title=tid, body="body", comments=comments)

    return [thread("a", "b/c", "b"), thread("a/b", "c"), thread("100%", "x")]


def test_it_keeps_utterance_ids_apart_when_thread_ids_hold_a_slash(tmp_path):
    convokit.write(slashed_threads(), tmp_path / "c", corpus_name="s")
    ids = [u["id"] for u in utterances_of(tmp_path / "c")]

    assert len(ids) == len(set(ids)) == 7
    assert "a%2Fb/c" in ids and "100%25/x" in ids


def test_it_reads_back_thread_ids_that_hold_a_slash(tmp_path):
    convokit.write(slashed_threads(), tmp_path / "c", corpus_name="s")

    threads = by_id(read_threads(tmp_path / "c"))

    assert {tid: [c.id for c in t.comments] for tid, t in threads.items()} == {
        "a": ["b/c", "b"],
        "a/b": ["c"],
        "100%": ["x"],
    }
    assert threads["a/b"].meta == {}


def test_it_puts_labels_in_each_utterance_meta(tmp_path):
    lines = {u["id"]: u for u in utterances_of(written(tmp_path))}
    article = lines["russia-israel"]["meta"]
    assert [c["id"] for c in article["threadlab_claims"]] == [1]
    c1 = lines["russia-israel/c1"]["meta"]
    assert [c["id"] for c in c1["threadlab_claims"]] == [2]
    assert [c["id"] for c in c1["threadlab_gold_claims"]] == [5]
    c2 = lines["russia-israel/c2"]["meta"]
    assert c2["threadlab_claims"][0]["stance_target"] == {"claim": 2}
    assert c2["threadlab_reply_labels"] == [
        {"annotator": "alice", "label": "support", "toward": "parent"}
    ]
    assert c2["threadlab_gold_reply_labels"] == [
        {
            "annotator": "victor",
            "label": "support",
            "toward": "parent",
            "settled_by": "victor",
            "source": None,
        }
    ]


def test_it_writes_conversations_speakers_and_corpus_meta(tmp_path):
    folder = written(tmp_path)
    conversations = json.loads((folder / "conversations.json").read_text("utf-8"))
    assert conversations["russia-israel"] == {
        "meta": {
            "title": "A Growing Russian-Israeli Alliance?",
            "url": "https://example.org/russia-israel",
        },
        "vectors": [],
    }
    speakers = json.loads((folder / "speakers.json").read_text("utf-8"))
    assert speakers["dennis"] == {"meta": {}, "vectors": []}
    assert json.loads((folder / "corpus.json").read_text("utf-8")) == {"name": "demo"}


def test_it_types_every_meta_field_in_the_index(tmp_path):
    index = json.loads((written(tmp_path) / "index.json").read_text("utf-8"))
    assert set(index) == {
        "utterances-index",
        "speakers-index",
        "conversations-index",
        "overall-index",
        "version",
        "vectors",
    }
    utterances = index["utterances-index"]
    assert utterances["source"] == ["<class 'str'>"]
    assert utterances["likes"] == ["<class 'int'>"]
    assert utterances["threadlab_claims"] == ["<class 'list'>"]
    assert index["conversations-index"] == {"title": ["<class 'str'>"], "url": ["<class 'str'>"]}
    assert index["overall-index"] == {"name": ["<class 'str'>"]}


def test_it_types_a_field_that_is_only_ever_null_as_none(tmp_path):
    thread = ThreadRecord(id="t", title="T", body="B", meta={"rating": None})
    convokit.write([thread], tmp_path, corpus_name="c")
    index = json.loads((tmp_path / "index.json").read_text("utf-8"))
    assert index["utterances-index"]["rating"] == ["<class 'NoneType'>"]


def test_it_reads_back_what_it_wrote_labels_included(tmp_path):
    original = by_id(jsonl.read(JSONL_SAMPLE))
    again = by_id(convokit.read(written(tmp_path)))
    for tid, thread in original.items():
        back = again[tid]
        assert (back.title, back.body, back.url, back.meta) == (
            thread.title,
            thread.body,
            thread.url,
            thread.meta,
        )
        assert [(c.id, c.parent_id, c.text, c.meta) for c in back.comments] == [
            (c.id, c.parent_id, c.text, c.meta) for c in thread.comments
        ]
    key = lambda c: c["id"]  # noqa: E731
    for section in ("annotations", "gold"):
        want = getattr(original["russia-israel"], section)
        got = getattr(again["russia-israel"], section)
        assert sorted(got["claims"], key=key) == sorted(want["claims"], key=key)
        assert sorted(got["reply_labels"], key=str) == sorted(want["reply_labels"], key=str)


class Unseekable(io.RawIOBase):
    """A write-only stream that cannot tell or seek, like a socket or a streamed response."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.chunks.append(bytes(b))
        return len(b)

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        raise io.UnsupportedOperation("tell")

    def seek(self, *args: Any) -> int:
        raise io.UnsupportedOperation("seek")


def test_it_writes_a_valid_zip_to_an_unseekable_stream(tmp_path):
    sink = Unseekable()
    count = convokit.write_zip(jsonl.read(JSONL_SAMPLE), sink, corpus_name="demo")
    data = b"".join(sink.chunks)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == sorted(f"demo/{name}" for name in convokit.FILES)
        archive.extractall(tmp_path)
    assert count == 2
    folder = tmp_path / "demo"
    assert (folder / "utterances.jsonl").read_bytes() == (
        written(tmp_path / "plain") / "utterances.jsonl"
    ).read_bytes()
    assert sorted(t.id for t in convokit.read(folder)) == ["1042", "russia-israel"]


def test_it_dates_every_zip_entry_now(tmp_path):
    out = io.BytesIO()
    convokit.write_zip(jsonl.read(JSONL_SAMPLE), out, corpus_name="demo")

    years = {info.date_time[0] for info in zipfile.ZipFile(out).infolist()}

    assert years == {datetime.now().year}


# --- values no database stores, and links that are not http(s) ---------------------------


def test_it_refuses_nan_in_an_utterances_meta_naming_the_line(tmp_path):
    path = corpus_file(
        tmp_path,
        utterance("p", "p", None),
        utterance("u1", "p", "p", meta={"toxicity": float("nan")}),
    )
    error = read_error(path)
    assert error.line == 2
    assert "comment 'u1': \"meta.toxicity\" is NaN" in error.message


def test_it_refuses_a_lone_surrogate_in_an_utterance_text(tmp_path):
    path = corpus_file(
        tmp_path, utterance("p", "p", None), utterance("u1", "p", "p", text="a \\ud800 b")
    )
    path.write_text(path.read_text("utf-8").replace("\\\\ud800", "\\ud800"), encoding="utf-8")
    error = read_error(path)
    assert (error.line, error.record) == (2, "p")
    assert "comment 'u1': \"text\" holds a lone surrogate" in error.message


def test_it_refuses_a_nul_character_in_the_conversation_meta(tmp_path):
    corpus_file(tmp_path, utterance("p", "p", None))
    (tmp_path / "conversations.json").write_text(
        json.dumps({"p": {"meta": {"title": "T", "section": "a\u0000"}}}), encoding="utf-8"
    )
    error = read_error(tmp_path)
    assert '"meta.section" holds a NUL character' in error.message


def test_it_refuses_a_conversation_url_that_is_not_http(tmp_path):
    corpus_file(tmp_path, utterance("p", "p", None))
    (tmp_path / "conversations.json").write_text(
        json.dumps({"p": {"meta": {"title": "T", "url": "javascript:alert(1)"}}}),
        encoding="utf-8",
    )
    error = read_error(tmp_path)
    assert '"url" is a javascript: URL' in error.message
