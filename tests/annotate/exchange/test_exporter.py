"""The export services: a corpus out as jsonl, csv or ConvoKit, streamed, labels included."""

from __future__ import annotations

import csv
import io
import json
import threading
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from annotate.exchange import (
    corpus_export,
    corpus_export_stream,
    corpus_threads,
    pseudonym,
    streaming,
    threads_import,
    threads_import_upload,
)
from annotate.models import LabelKind
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    CorpusFactory,
    ReplyLabelFactory,
    UserFactory,
    label,
)
from threads.formats import convokit
from threads.formats.records import FormatError
from threads.models import Corpus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast's accounts hash a password each: a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def labelled(thread, alice, bob, victor):
    """The conftest thread with claims (one targeting another, emoji text), reply labels, gold."""
    article = thread["article"]
    corpus = article.corpus
    article.author = "Article Author"
    article.url = "https://example.org/a"
    article.published_at = datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC)
    article.meta = {"source": "test", "tags": ["a", "ü"]}
    article.save()
    c1, c2, c3 = thread["c1"], thread["c2"], thread["c3"]
    c1.author, c1.posted_at, c1.meta = "Commenter One", datetime(2025, 5, 7, tzinfo=UTC), {"k": 1}
    c1.save()
    c4 = thread["c4"]
    c4.author = ""
    c4.save()

    def lv(kind, name):
        return label(corpus, kind, name)

    stamp = {
        "created_at": datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 3, 3, 4, 5, tzinfo=UTC),
    }
    thesis = ClaimFactory(annotator=alice, article=article, start=0, end=6, **stamp)
    ClaimFactory(
        annotator=alice,
        article=article,
        comment=c1,
        start=6,
        end=15,  # "😀 comment": the emoji counts as one code point
        stance=lv(LabelKind.STANCE, "oppose"),
        target_claim=thesis,
        note="attacks the thesis 🚀",
        **stamp,
    )
    ClaimFactory(
        annotator=alice,
        article=article,
        comment=c3,
        start=7,
        end=8,  # "𝕏"
        stance_target=lv(LabelKind.STANCE_TARGET, "parent"),
        **stamp,
    )
    ClaimFactory(
        annotator=bob,
        article=article,
        comment=c2,
        start=0,
        end=1,
        stance=lv(LabelKind.STANCE, "neutral"),
        stance_target=lv(LabelKind.STANCE_TARGET, "parent"),
        **stamp,
    )
    gold_thesis = ClaimFactory(annotator=victor, article=article, is_gold=True, **stamp)
    ClaimFactory(
        annotator=victor,
        article=article,
        comment=c1,
        start=0,
        end=5,
        target_claim=gold_thesis,
        is_gold=True,
        **stamp,
    )
    ReplyLabelFactory(annotator=alice, comment=c1)
    ReplyLabelFactory(annotator=alice, comment=c2, label=lv(LabelKind.REPLY_LABEL, "deny"))
    ReplyLabelFactory(annotator=bob, comment=c2, label=lv(LabelKind.REPLY_LABEL, "query"))
    ReplyLabelFactory(
        annotator=victor, comment=c2, label=lv(LabelKind.REPLY_LABEL, "deny"), is_gold=True
    )
    return corpus


def export_lines(corpus, **kwargs) -> list[dict]:
    data = b"".join(corpus_export_stream(corpus=corpus, fmt="jsonl", **kwargs))
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def test_it_exports_a_thread_with_its_comments_in_display_order(labelled):
    (line,) = export_lines(labelled)

    assert line["id"] == "thread-1" and line["body"] == "Thesis 🚀 here."
    assert [(c["id"], c["parent_id"]) for c in line["comments"]] == [
        ("c1", None),
        ("c2", "c1"),
        ("c3", "c2"),
        ("c4", None),
    ]
    assert line["created_at"] == "2025-05-06T07:08:09+00:00"
    assert line["meta"] == {"source": "test", "tags": ["a", "ü"]}


def test_it_numbers_claims_locally_in_a_fixed_order(labelled):
    (line,) = export_lines(labelled)

    claims = line["annotations"]["claims"]
    assert [(c["id"], c["annotator"], c["comment_id"], c["text"]) for c in claims] == [
        (1, "alice", None, "Thesis"),
        (2, "alice", "c1", "😀 comment"),
        (3, "alice", "c3", "𝕏"),
        (4, "bob", "c2", "A"),
    ]
    assert [c["id"] for c in line["gold"]["claims"]] == [5, 6]


def test_it_exports_a_target_claim_as_its_local_id(labelled):
    (line,) = export_lines(labelled)

    claims = {c["id"]: c for c in line["annotations"]["claims"] + line["gold"]["claims"]}
    assert claims[2]["stance_target"] == {"claim": 1}
    assert claims[6]["stance_target"] == {"claim": 5}
    assert claims[1]["stance_target"] == "thesis"
    assert claims[3]["stance_target"] == "parent"


def test_it_exports_claim_fields_and_timestamps(labelled):
    (line,) = export_lines(labelled)

    assert line["annotations"]["claims"][1] == {
        "id": 2,
        "annotator": "alice",
        "comment_id": "c1",
        "start": 6,
        "end": 15,
        "text": "😀 comment",
        "claim_type": "claim",
        "stance": "oppose",
        "stance_target": {"claim": 1},
        "note": "attacks the thesis 🚀",
        "created_at": "2026-01-02T03:04:05.123456+00:00",
        "updated_at": "2026-01-03T03:04:05+00:00",
        "relations": [],
        "attributes": {},
    }


def test_it_writes_claim_times_as_isoformat_does_on_either_database(labelled, alice):
    article = labelled.articles.get()
    times = [
        datetime(2026, 1, 2, 3, 4, 5, 5, tzinfo=UTC),  # a fraction of a few microseconds
        datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=UTC),
        datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
    ]
    for n, when in enumerate(times):
        ClaimFactory(
            annotator=alice, article=article, start=0, end=1, note=f"t{n}", created_at=when
        )

    (line,) = export_lines(labelled)

    written = {c["note"]: c["created_at"] for c in line["annotations"]["claims"]}
    assert [written[f"t{n}"] for n in range(3)] == [t.isoformat() for t in times]


def test_it_orders_claims_by_annotator_name_code_point_then_time_then_id(thread):
    # Upper case before lower case, as Python compares, whatever the database's collation.
    article = thread["article"]
    zed, amy = UserFactory(username="Zed"), UserFactory(username="amy")
    stamp = datetime(2026, 1, 2, tzinfo=UTC)
    ClaimFactory(annotator=amy, article=article, note="amy")
    ClaimFactory(annotator=zed, article=article, note="zed later", created_at=stamp)  # id first
    ClaimFactory(annotator=zed, article=article, note="zed second", created_at=stamp)
    ClaimFactory(
        annotator=zed, article=article, note="zed earlier", created_at=stamp - timedelta(days=1)
    )
    ClaimFactory(annotator=zed, article=article, comment=thread["c1"], note="zed on c1")

    (line,) = export_lines(article.corpus)

    assert [c["note"] for c in line["annotations"]["claims"]] == [
        "zed earlier",
        "zed later",
        "zed second",
        "zed on c1",
        "amy",
    ]


def test_it_exports_reply_labels_and_gold_apart(labelled):
    (line,) = export_lines(labelled)

    assert line["annotations"]["reply_labels"] == [
        {"annotator": "alice", "comment_id": "c1", "label": "support", "toward": "parent"},
        {"annotator": "alice", "comment_id": "c2", "label": "deny", "toward": "parent"},
        {"annotator": "bob", "comment_id": "c2", "label": "query", "toward": "parent"},
    ]
    assert line["gold"]["reply_labels"] == [
        {
            "annotator": "victor",
            "comment_id": "c2",
            "label": "deny",
            "toward": "parent",
            "settled_by": "victor",
            "source": None,
        }
    ]


def test_it_round_trips_a_labelled_corpus_through_jsonl(labelled, tmp_path):
    first = tmp_path / "first.jsonl"
    corpus_export(corpus=labelled, fmt="jsonl", path=first)

    summary = threads_import(corpus_slug="copy", paths=[first])
    second = tmp_path / "second.jsonl"
    corpus_export(corpus=Corpus.objects.get(slug="copy"), fmt="jsonl", path=second)

    assert (summary.claims, summary.reply_labels) == (6, 4)
    assert second.read_bytes() == first.read_bytes()


def test_it_round_trips_many_threads_through_jsonl(tmp_path):
    corpus = CorpusFactory(slug="many")
    annotator = UserFactory(username="zed")
    for n in range(7):
        article = ArticleFactory(corpus=corpus, external_id=f"a{n}", body="Body text here.")
        top = CommentFactory(article=article, external_id="x", text="Top 🙂 level.")
        reply = CommentFactory(article=article, parent=top, external_id="y", text="Reply text.")
        first = ClaimFactory(annotator=annotator, article=article)
        ClaimFactory(annotator=annotator, article=article, comment=reply, target_claim=first)
    first_path, second_path = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    corpus_export(corpus=corpus, fmt="jsonl", path=first_path)

    threads_import(corpus_slug="copy", paths=[first_path])
    corpus_export(corpus=Corpus.objects.get(slug="copy"), fmt="jsonl", path=second_path)

    assert second_path.read_bytes() == first_path.read_bytes()


def test_it_reads_the_same_records_whatever_the_chunk_size(labelled):
    ArticleFactory(corpus=labelled, external_id="second", body="Another body.")

    assert list(corpus_threads(corpus=labelled, chunk_size=1)) == list(
        corpus_threads(corpus=labelled)
    )


def test_it_leaves_out_other_corpora(labelled):
    ArticleFactory(external_id="elsewhere")

    assert [r.id for r in corpus_threads(corpus=labelled)] == ["thread-1"]


def make_corpus(n_threads: int, comments: int) -> Corpus:
    corpus = CorpusFactory()
    annotator = UserFactory()
    for n in range(n_threads):
        article = ArticleFactory(corpus=corpus, external_id=f"t{n}")
        parent = None
        for m in range(comments):
            parent = CommentFactory(article=article, parent=parent, external_id=f"c{m}")
            ClaimFactory(annotator=annotator, article=article, comment=parent)
            ReplyLabelFactory(annotator=annotator, comment=parent)
    return corpus


@pytest.mark.parametrize("n_threads, comments", [(1, 1), (12, 4)])
def test_it_exports_in_a_fixed_number_of_queries(
    n_threads, comments, django_assert_max_num_queries
):
    corpus = make_corpus(n_threads, comments)

    # The schema, then per chunk: articles, comments, claims, relations, reply labels; then the
    # end.
    with django_assert_max_num_queries(7):
        records = list(corpus_threads(corpus=corpus))

    assert len(records) == n_threads
    assert sum(len(r.comments) for r in records) == n_threads * comments


def test_it_pseudonymises_commenters_and_authors(labelled):
    (line,) = export_lines(labelled, pseudonymise=True)

    text = json.dumps(line, ensure_ascii=False)
    assert "Commenter One" not in text and "Article Author" not in text
    assert line["author"] == pseudonym(corpus=labelled, name="Article Author")
    assert line["comments"][0]["author"] == pseudonym(corpus=labelled, name="Commenter One")
    assert line["comments"][0]["author"].startswith("anon-")
    assert len(line["comments"][0]["author"]) == len("anon-") + 12


def test_it_keeps_an_empty_author_empty_when_pseudonymising(labelled):
    (line,) = export_lines(labelled, pseudonymise=True)

    assert line["comments"][3]["author"] == ""


def test_it_keeps_annotator_names_when_pseudonymising(labelled):
    (line,) = export_lines(labelled, pseudonymise=True)

    assert {c["annotator"] for c in line["annotations"]["claims"]} == {"alice", "bob"}


def test_it_pseudonymises_stably(labelled):
    assert export_lines(labelled, pseudonymise=True) == export_lines(labelled, pseudonymise=True)


def test_it_pseudonymises_differently_in_another_corpus(labelled):
    other = CorpusFactory()

    assert pseudonym(corpus=other, name="Commenter One") != pseudonym(
        corpus=labelled, name="Commenter One"
    )


def test_it_streams_the_same_bytes_as_the_file(labelled, tmp_path):
    path = tmp_path / "out.jsonl"
    corpus_export(corpus=labelled, fmt="jsonl", path=path)

    assert b"".join(corpus_export_stream(corpus=labelled, fmt="jsonl")) == path.read_bytes()


def test_it_exports_one_csv_row_per_claim(labelled, tmp_path):
    path = tmp_path / "out.csv"

    summary = corpus_export(corpus=labelled, fmt="csv", path=path)

    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == summary.claims == 6
    assert rows[1]["text"] == "😀 comment" and rows[1]["stance_target"] == "claim:1"


def test_it_streams_csv(labelled, tmp_path):
    path = tmp_path / "out.csv"
    corpus_export(corpus=labelled, fmt="csv", path=path)

    assert b"".join(corpus_export_stream(corpus=labelled, fmt="csv")) == path.read_bytes()


def test_it_streams_convokit_as_a_zip(labelled):
    data = b"".join(corpus_export_stream(corpus=labelled, fmt="convokit"))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        utterances = archive.read("demo/utterances.jsonl").decode("utf-8").splitlines()
    assert {"demo/utterances.jsonl", "demo/index.json", "demo/corpus.json"} <= names
    assert len(utterances) == 5  # the article and its four comments


def test_it_round_trips_a_convokit_zip_through_the_upload(labelled, tmp_path):
    saved = tmp_path / "demo.zip"
    saved.write_bytes(b"".join(corpus_export_stream(corpus=labelled, fmt="convokit")))

    summary = threads_import_upload(corpus_slug="copy", path=saved, name="demo.zip")

    counts = (summary.threads, summary.comments, summary.claims, summary.reply_labels)
    assert counts == (1, 4, 6, 4)
    copy = Corpus.objects.get(slug="copy")
    assert export_lines(copy)[0]["annotations"] == export_lines(labelled)[0]["annotations"]


def test_it_writes_a_convokit_folder(labelled, tmp_path):
    summary = corpus_export(corpus=labelled, fmt="convokit", path=tmp_path / "demo-corpus")

    assert (tmp_path / "demo-corpus" / "utterances.jsonl").exists()
    assert (tmp_path / "demo-corpus" / "speakers.json").exists()
    assert summary.threads == 1


def test_it_leaves_a_convokit_folder_readable_by_others(labelled, tmp_path):
    corpus_export(corpus=labelled, fmt="convokit", path=tmp_path / "demo-corpus")

    assert (tmp_path / "demo-corpus").stat().st_mode & 0o777 == 0o755


def test_it_replaces_an_earlier_convokit_export(labelled, tmp_path):
    corpus_export(corpus=labelled, fmt="convokit", path=tmp_path / "ck")

    summary = corpus_export(corpus=labelled, fmt="convokit", path=tmp_path / "ck")

    assert summary.threads == 1 and (tmp_path / "ck" / "utterances.jsonl").exists()


def test_it_refuses_to_replace_a_folder_holding_other_files(labelled, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")

    with pytest.raises(FormatError, match="not a ConvoKit corpus folder"):
        corpus_export(corpus=labelled, fmt="convokit", path=tmp_path / "mine")

    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_it_summarises_an_export(labelled, tmp_path):
    summary = corpus_export(corpus=labelled, fmt="jsonl", path=tmp_path / "out.jsonl")

    assert (summary.threads, summary.comments, summary.claims, summary.reply_labels) == (
        1,
        4,
        6,
        4,
    )


def test_it_refuses_an_unknown_export_format(labelled, tmp_path):
    with pytest.raises(FormatError, match="unknown export format 'xml'"):
        corpus_export(corpus=labelled, fmt="xml", path=tmp_path / "out.xml")


def test_it_stops_the_writer_when_the_stream_is_closed(labelled, monkeypatch):
    monkeypatch.setattr(streaming, "_STREAM_CHUNK", 16)
    for n in range(20):
        ArticleFactory(corpus=labelled, external_id=f"more-{n}")
    stream = corpus_export_stream(corpus=labelled, fmt="convokit")  # the zip's writer is a thread

    next(stream)
    stream.close()

    assert not [t for t in threading.enumerate() if t.name == "export-writer"]


def test_it_raises_a_writer_error_in_the_caller(labelled, monkeypatch):
    def broken(threads, out, *, corpus_name):
        for _ in threads:
            raise ValueError("writer broke")

    monkeypatch.setattr(convokit, "write_zip", broken)

    with pytest.raises(ValueError, match="writer broke"):
        b"".join(corpus_export_stream(corpus=labelled, fmt="convokit"))


def test_it_streams_jsonl_and_csv_without_a_writer_thread(labelled, monkeypatch):
    monkeypatch.setattr(streaming, "_STREAM_CHUNK", 16)
    for n in range(20):
        ArticleFactory(corpus=labelled, external_id=f"more-{n}")
    before = threading.active_count()

    for fmt in ("jsonl", "csv"):
        stream = corpus_export_stream(corpus=labelled, fmt=fmt)
        next(stream)
        assert threading.active_count() == before
        stream.close()


def test_it_streams_in_chunks_of_about_the_stream_chunk(labelled, monkeypatch):
    monkeypatch.setattr(streaming, "_STREAM_CHUNK", 16)
    for n in range(5):
        ArticleFactory(corpus=labelled, external_id=f"more-{n}")

    chunks = list(corpus_export_stream(corpus=labelled, fmt="jsonl"))

    assert len(chunks) == 6 and all(chunk.endswith(b"\n") for chunk in chunks)


def test_it_gives_back_an_imported_null_url_as_null(tmp_path):
    source = tmp_path / "in.jsonl"
    line = {"id": "t1", "title": "T", "body": "B.", "url": None, "comments": []}
    source.write_text(json.dumps(line) + "\n", encoding="utf-8")
    threads_import(corpus_slug="nulls", paths=[source])

    [exported] = export_lines(Corpus.objects.get(slug="nulls"))
    assert exported["url"] is None


def test_it_gives_back_an_imported_url_as_it_came(tmp_path):
    source = tmp_path / "in.jsonl"
    line = {"id": "t1", "title": "T", "body": "B.", "url": "https://e.org/a", "comments": []}
    source.write_text(json.dumps(line) + "\n", encoding="utf-8")
    threads_import(corpus_slug="urls", paths=[source])

    [exported] = export_lines(Corpus.objects.get(slug="urls"))
    assert exported["url"] == "https://e.org/a"
