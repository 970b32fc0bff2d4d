"""The import service: whole files into a corpus, in one transaction, in bulk."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotate.exchange import importer, reading, threads_import
from annotate.models import Claim, ReplyLabel
from threads.formats.records import CommentRecord, FormatError, ReadOptions, ThreadRecord
from threads.models import Article, Comment, Corpus
from threads.services import paragraphs

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "russia-israel-thread.txt"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast's accounts hash a password each: a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def write_jsonl(path: Path, *threads: dict) -> Path:
    path.write_text(
        "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in threads), encoding="utf-8"
    )
    return path


def thread(tid: str = "t1", comments: list[dict] | None = None, **extra) -> dict:
    """A small jsonl thread: c1 > c2 > c3, and c4 at the top level."""
    if comments is None:
        comments = [
            {"id": "c1", "parent_id": None, "author": "ann", "text": "First 😀 comment."},
            {"id": "c2", "parent_id": "c1", "author": "ben", "text": "A reply."},
            {"id": "c3", "parent_id": "c2", "author": "ann", "text": "Deeper 𝕏 reply."},
            {"id": "c4", "parent_id": None, "author": "", "text": "Second top-level."},
        ]
    return {"id": tid, "title": f"Thread {tid}", "body": "Thesis 🚀 here.", "comments": comments}


def claim(cid, annotator="alice", comment_id=None, start=0, end=6, text="Thesis", **extra):
    return {
        "id": cid,
        "annotator": annotator,
        "comment_id": comment_id,
        "start": start,
        "end": end,
        "text": text,
        "claim_type": "claim",
        "stance": "support",
        "stance_target": "thesis",
        "note": "",
        "created_at": "2026-01-02T03:04:05+00:00",
        "updated_at": "2026-01-03T03:04:05+00:00",
        **extra,
    }


def annotated(**labels) -> dict:
    return {"claims": labels.get("claims", []), "reply_labels": labels.get("reply_labels", [])}


def test_it_imports_the_example_thread():
    summary = threads_import(corpus_slug="demo", paths=[EXAMPLE])

    article = Article.objects.get(corpus__slug="demo")
    assert article.external_id == "russia-israel-thread"
    assert article.title == "A Growing Russian-Israeli Alliance?"
    assert len(paragraphs(article.body)) == 11
    assert (summary.threads, summary.comments) == (1, 30)


def test_it_gives_the_example_comments_their_depths():
    threads_import(corpus_slug="demo", paths=[EXAMPLE])

    depths = Counter(Comment.objects.values_list("depth", flat=True))
    assert depths == {0: 21, 1: 6, 2: 2, 3: 1}


def test_it_numbers_positions_in_display_order():
    threads_import(corpus_slug="demo", paths=[EXAMPLE])

    comments = list(Comment.objects.order_by("position"))
    assert [c.position for c in comments] == list(range(30))
    seen: set[int] = set()
    for c in comments:  # pre-order: every parent comes before its replies
        assert c.parent_id is None or c.parent_id in seen
        seen.add(c.pk)
    assert [c.external_id for c in comments] == [f"c{n}" for n in range(1, 31)]


def test_it_creates_the_corpus_with_the_default_schema():
    threads_import(corpus_slug="new-corpus", paths=[EXAMPLE])

    corpus = Corpus.objects.get(slug="new-corpus")
    assert corpus.label_values.filter(kind="stance", name="oppose").exists()


def test_it_does_not_duplicate_a_thread_on_reimport():
    threads_import(corpus_slug="demo", paths=[EXAMPLE])

    again = threads_import(corpus_slug="demo", paths=[EXAMPLE])

    assert (again.threads, again.threads_existing, again.comments) == (0, 1, 0)
    assert Article.objects.count() == 1
    assert Comment.objects.count() == 30


def test_it_counts_a_thread_repeated_within_a_run_once(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", thread("t1"), thread("t2"), thread("t1"))

    summary = threads_import(corpus_slug="c", paths=[path])

    assert (summary.threads, summary.threads_existing) == (2, 1)


def test_it_imports_across_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "_BATCH_THREADS", 2)
    threads = [thread(f"t{n}") for n in range(5)] + [thread("t1")]
    path = write_jsonl(tmp_path / "a.jsonl", *threads)

    summary = threads_import(corpus_slug="c", paths=[path])

    assert (summary.threads, summary.threads_existing, summary.comments) == (5, 1, 20)
    assert Comment.objects.filter(article__external_id="t4", depth=2).count() == 1


def test_it_refuses_an_orphan_by_default(tmp_path):
    comments = [
        {"id": "c1", "parent_id": None, "text": "Top."},
        {"id": "c2", "parent_id": "gone", "text": "Lost reply."},
    ]
    path = write_jsonl(tmp_path / "a.jsonl", thread("t1", comments))

    with pytest.raises(FormatError) as error:
        threads_import(corpus_slug="c", paths=[path])

    assert "'c2'" in str(error.value) and "'gone'" in str(error.value)
    assert not Article.objects.exists()


def test_it_attaches_an_orphan_at_the_top_level(tmp_path):
    comments = [
        {"id": "c1", "parent_id": None, "text": "Top."},
        {"id": "c2", "parent_id": "gone", "text": "Lost reply."},
        {"id": "c3", "parent_id": "c2", "text": "Reply to the lost one."},
    ]
    path = write_jsonl(tmp_path / "a.jsonl", thread("t1", comments))

    summary = threads_import(corpus_slug="c", paths=[path], orphans="attach")

    orphan = Comment.objects.get(external_id="c2")
    assert (orphan.parent_id, orphan.depth, orphan.meta) == (None, 0, {"orphan": True})
    assert Comment.objects.get(external_id="c3").depth == 1
    assert (summary.orphans_attached, summary.comments) == (1, 3)


def test_it_skips_an_orphan_and_its_replies(tmp_path):
    comments = [
        {"id": "c1", "parent_id": None, "text": "Top."},
        {"id": "c2", "parent_id": "gone", "text": "Lost reply."},
        {"id": "c3", "parent_id": "c2", "text": "Reply to the lost one."},
    ]
    path = write_jsonl(tmp_path / "a.jsonl", thread("t1", comments))

    summary = threads_import(corpus_slug="c", paths=[path], orphans="skip")

    assert list(Comment.objects.values_list("external_id", flat=True)) == ["c1"]
    assert (summary.orphans_skipped, summary.comments) == (2, 1)


def test_it_drops_the_labels_of_skipped_orphans(tmp_path):
    comments = [
        {"id": "c1", "parent_id": None, "text": "Top."},
        {"id": "c2", "parent_id": "gone", "text": "Lost reply."},
    ]
    record = thread("t1", comments)
    record["annotations"] = annotated(
        claims=[
            claim(1, comment_id="c1", start=0, end=3, text="Top"),
            claim(2, comment_id="c2", start=0, end=4, text="Lost"),
        ],
        reply_labels=[{"annotator": "alice", "comment_id": "c2", "label": "deny"}],
    )
    path = write_jsonl(tmp_path / "a.jsonl", record)

    summary = threads_import(corpus_slug="c", paths=[path], orphans="skip")

    assert (summary.claims, summary.reply_labels) == (1, 0)


def test_it_writes_nothing_when_a_later_file_is_bad(tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", thread("t1"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(thread("t2")) + "\n{not json\n", encoding="utf-8")

    with pytest.raises(FormatError) as error:
        threads_import(corpus_slug="c", paths=[good, bad])

    assert error.value.file == str(bad) and error.value.line == 2
    assert not Corpus.objects.filter(slug="c").exists()
    assert not Article.objects.exists()
    assert not Comment.objects.exists()


def test_it_refuses_a_missing_file_before_reading_any(tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", thread("t1"))

    with pytest.raises(FormatError, match="no such file"):
        threads_import(corpus_slug="c", paths=[good, tmp_path / "missing.jsonl"])

    assert not Article.objects.exists()


def test_it_refuses_an_unknown_format(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", thread("t1"))

    with pytest.raises(FormatError, match="unknown format 'xml'"):
        threads_import(corpus_slug="c", paths=[path], fmt="xml")


def test_it_imports_claims_and_reply_labels(tmp_path):
    record = thread("t1")
    record["annotations"] = annotated(
        claims=[claim(1, note="main point")],
        reply_labels=[{"annotator": "alice", "comment_id": "c2", "label": "deny"}],
    )
    path = write_jsonl(tmp_path / "a.jsonl", record)

    summary = threads_import(corpus_slug="c", paths=[path])

    c = Claim.objects.select_related("annotator", "stance", "stance_target").get()
    assert (c.annotator.username, c.comment_id, c.start, c.end, c.quote, c.note) == (
        "alice",
        None,
        0,
        6,
        "Thesis",
        "main point",
    )
    assert (c.stance.name, c.stance_target.name, c.is_gold) == ("support", "thesis", False)
    label = ReplyLabel.objects.select_related("comment", "label").get()
    assert (label.comment.external_id, label.label.name) == ("c2", "deny")
    assert (summary.claims, summary.reply_labels) == (1, 1)


def test_it_keeps_claim_timestamps_from_the_file(tmp_path):
    record = thread("t1")
    record["annotations"] = annotated(claims=[claim(1)])
    path = write_jsonl(tmp_path / "a.jsonl", record)

    threads_import(corpus_slug="c", paths=[path])

    c = Claim.objects.get()
    assert c.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert c.updated_at == datetime(2026, 1, 3, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T03:04:05.250000+00:00", datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)),
        ("2026-01-02T03:04:05.000000+00:00", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T03:04:05.25+00:00", datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)),
        ("2026-01-02T05:04:05+02:00", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T03:04:05", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ],
)
def test_it_reads_each_form_of_a_claim_time_as_the_same_instant(tmp_path, written, expected):
    record = thread("t1")
    record["annotations"] = annotated(claims=[claim(1, created_at=written, updated_at=written)])
    threads_import(corpus_slug="c", paths=[write_jsonl(tmp_path / "a.jsonl", record)])

    c = Claim.objects.get()
    assert (c.created_at, c.updated_at) == (expected, expected)
    assert Claim.objects.filter(created_at=expected).count() == 1  # stored as Django stores it


def test_it_dates_labels_without_times_at_the_import(tmp_path):
    record = thread("t1", comments=[{"id": "c1", "parent_id": None, "text": "Yes"}])
    record["annotations"] = annotated(
        claims=[claim(1, created_at=None, updated_at=None)],
        reply_labels=[{"annotator": "alice", "comment_id": "c1", "label": "support"}],
    )
    before = timezone.now()
    threads_import(corpus_slug="c", paths=[write_jsonl(tmp_path / "a.jsonl", record)])

    c, r = Claim.objects.get(), ReplyLabel.objects.get()
    assert before <= c.created_at == c.updated_at <= timezone.now()
    assert before <= r.created_at == r.updated_at <= timezone.now()
    assert Claim.objects.filter(created_at__gte=before).count() == 1  # stored as Django does


def test_it_counts_offsets_in_code_points(tmp_path):
    record = thread("t1")
    # "First 😀 comment.": the emoji is one code point (two UTF-16 units).
    record["annotations"] = annotated(
        claims=[claim(1, comment_id="c1", start=6, end=15, text="😀 comment")]
    )
    path = write_jsonl(tmp_path / "a.jsonl", record)

    threads_import(corpus_slug="c", paths=[path])

    assert Claim.objects.get().quote == "😀 comment"


def test_it_refuses_a_claim_whose_text_does_not_match(tmp_path):
    record = thread("t1")
    record["annotations"] = annotated(
        claims=[claim(1, comment_id="c1", start=6, end=15, text="😀 commen")]
    )
    path = write_jsonl(tmp_path / "a.jsonl", record)

    with pytest.raises(FormatError):
        threads_import(corpus_slug="c", paths=[path])

    assert not Article.objects.exists()


def test_it_refuses_a_claim_span_outside_its_text_whatever_the_reader(tmp_path, monkeypatch):
    # A reader that hands over labels without checking their spans, as a new codec might.
    record = ThreadRecord(
        id="t1",
        title="Thread t1",
        body="Thesis",
        comments=[CommentRecord("c1", None, "Short.")],
        annotations=annotated(claims=[claim(1, comment_id="c1", start=0, end=9, text="Short.")]),
    )
    monkeypatch.setattr(
        reading, "read_threads", lambda path, fmt=None, options=None: iter([record])
    )
    path = write_jsonl(tmp_path / "a.jsonl", thread("t1"))

    with pytest.raises(FormatError, match=r"claim 1: span \[0, 9\) must satisfy"):
        threads_import(corpus_slug="c", paths=[path])

    assert not Article.objects.exists()


def test_it_imports_gold_labels_as_gold(tmp_path):
    record = thread("t1")
    record["gold"] = annotated(
        claims=[claim(1, annotator="victor")],
        reply_labels=[{"annotator": "victor", "comment_id": "c1", "label": "query"}],
    )
    path = write_jsonl(tmp_path / "a.jsonl", record)

    threads_import(corpus_slug="c", paths=[path])

    assert Claim.objects.get().is_gold
    assert ReplyLabel.objects.get().is_gold


def test_it_imports_a_claim_targeting_a_claim_up_the_reply_chain(tmp_path):
    record = thread("t1")
    record["annotations"] = annotated(
        claims=[
            # Listed before its target: the import still inserts the target first.
            claim(
                1,
                comment_id="c3",
                start=0,
                end=6,
                text="Deeper",
                stance="oppose",
                stance_target={"claim": 2},
            ),
            claim(2, comment_id="c1", start=0, end=5, text="First", stance_target={"claim": 3}),
            claim(3),
        ]
    )
    path = write_jsonl(tmp_path / "a.jsonl", record)

    threads_import(corpus_slug="c", paths=[path])

    deeper = Claim.objects.select_related("target_claim__target_claim").get(quote="Deeper")
    assert deeper.stance_target_id is None
    assert deeper.target_claim.quote == "First"
    assert deeper.target_claim.target_claim.quote == "Thesis"


def test_it_refuses_a_target_claim_outside_the_reply_chain(tmp_path):
    record = thread("t1")
    record["annotations"] = annotated(
        claims=[
            claim(1, comment_id="c4", start=0, end=6, text="Second"),
            claim(2, comment_id="c2", start=0, end=1, text="A", stance_target={"claim": 1}),
        ]
    )
    path = write_jsonl(tmp_path / "a.jsonl", record)

    with pytest.raises(FormatError, match="claim 2: target claim 1 is not in a text"):
        threads_import(corpus_slug="c", paths=[path])


def test_strict_schema_refuses_an_unknown_label_naming_thread_claim_and_value(tmp_path):
    record = thread("t1")
    record["annotations"] = annotated(claims=[claim(7, stance="agree")])
    path = write_jsonl(tmp_path / "a.jsonl", record)

    with pytest.raises(FormatError) as error:
        threads_import(corpus_slug="c", paths=[path], options=ReadOptions(strict_schema=True))

    message = str(error.value)
    assert "thread 't1'" in message and "claim 7" in message and "'agree'" in message
    assert "support" in message  # and what the schema offers instead
    assert not Article.objects.exists()


def test_strict_schema_refuses_an_unknown_reply_label(tmp_path):
    record = thread("t1")
    record["annotations"] = annotated(
        reply_labels=[{"annotator": "alice", "comment_id": "c1", "label": "agree"}]
    )
    path = write_jsonl(tmp_path / "a.jsonl", record)

    with pytest.raises(FormatError, match="unknown reply label 'agree'"):
        threads_import(corpus_slug="c", paths=[path], options=ReadOptions(strict_schema=True))


def test_it_creates_missing_annotators_with_unusable_passwords(tmp_path):
    record = thread("t1")
    record["annotations"] = annotated(claims=[claim(1, annotator="newcomer")])
    path = write_jsonl(tmp_path / "a.jsonl", record)

    summary = threads_import(corpus_slug="c", paths=[path])

    user = get_user_model().objects.get(username="newcomer")
    assert not user.has_usable_password()
    assert summary.users_created == 1


def test_it_uses_existing_annotator_accounts(tmp_path, alice):
    record = thread("t1")
    record["annotations"] = annotated(claims=[claim(1, annotator="alice")])
    path = write_jsonl(tmp_path / "a.jsonl", record)

    summary = threads_import(corpus_slug="c", paths=[path])

    assert Claim.objects.get().annotator == alice
    assert summary.users_created == 0


def test_it_summarises_in_one_line(tmp_path):
    summary = threads_import(corpus_slug="demo", paths=[EXAMPLE])

    line = str(summary)
    assert "\n" not in line
    assert line.startswith("Imported 1 thread (0 already there), 30 comments")


# --- no database error reaches a user as itself ----------------------------------------


def test_it_refuses_nan_in_meta_before_writing_anything(tmp_path):
    path = write_jsonl(tmp_path / "t.jsonl", thread("t1"), {**thread("t2"), "meta": {"x": "NaN"}})
    path.write_text(path.read_text("utf-8").replace('"NaN"', "NaN"), "utf-8")

    with pytest.raises(FormatError, match=r'line 2, record t2: "meta.x" is NaN'):
        threads_import(corpus_slug="demo", paths=[path])
    assert not Article.objects.exists()


def test_it_refuses_a_nul_character_in_meta_before_writing_anything(tmp_path):
    path = write_jsonl(tmp_path / "t.jsonl", {**thread("t1"), "meta": {"x": "a\u0000"}})

    with pytest.raises(FormatError, match='"meta.x" holds a NUL character'):
        threads_import(corpus_slug="demo", paths=[path])
    assert not Article.objects.exists()


def test_it_says_a_corpus_created_by_another_import_meanwhile_already_exists(tmp_path, monkeypatch):
    def created_meanwhile(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "corpus_slug"')

    monkeypatch.setattr(importer, "corpus_get_or_create", created_meanwhile)
    path = write_jsonl(tmp_path / "t.jsonl", thread("t1"))

    with pytest.raises(FormatError, match="already exists .* run the import again"):
        threads_import(corpus_slug="demo", paths=[path])


def test_it_turns_any_other_database_error_into_a_message(tmp_path, monkeypatch):
    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly\nmore detail")

    monkeypatch.setattr(importer.AnnotatorAccounts, "resolve", connection_lost)
    path = write_jsonl(tmp_path / "t.jsonl", thread("t1"))

    with pytest.raises(FormatError, match="nothing was imported: the database refused") as caught:
        threads_import(corpus_slug="demo", paths=[path])
    assert "(server closed the connection unexpectedly);" in str(caught.value)


def test_it_refuses_a_claim_note_over_2000_characters(tmp_path):
    labels = annotated(claims=[claim(1, note="x" * 2001)])
    path = write_jsonl(tmp_path / "t.jsonl", {**thread("t1"), "annotations": labels})

    with pytest.raises(FormatError, match="claim 1: the note has 2,001 characters; a note is at"):
        threads_import(corpus_slug="demo", paths=[path])
    assert not Claim.objects.exists()


def test_it_takes_a_claim_note_of_2000_characters(tmp_path):
    labels = annotated(claims=[claim(1, note="x" * 2000)])
    path = write_jsonl(tmp_path / "t.jsonl", {**thread("t1"), "annotations": labels})

    threads_import(corpus_slug="demo", paths=[path])
    assert len(Claim.objects.get().note) == 2000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite plans without statistics")
def test_it_analyzes_the_tables_it_loaded_on_postgresql(tmp_path):
    path = write_jsonl(tmp_path / "t.jsonl", thread("t1"))

    with CaptureQueriesContext(connection) as queries:
        threads_import(corpus_slug="demo", paths=[path])

    analyzed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
    assert analyzed and "annotate_claim" in analyzed[0] and "threads_comment" in analyzed[0]
