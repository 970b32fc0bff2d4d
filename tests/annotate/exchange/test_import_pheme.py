"""Importing RumourEval / PHEME thread folders: threads, deleted tweets, the labels file."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotate.exchange import corpus_export, threads_import
from annotate.models import LabelKind, LabelValue, ReplyLabel
from tests.factories import CorpusFactory
from threads.formats.records import FormatError, ReadOptions
from threads.models import Article, Comment, Corpus

SAMPLES = Path(__file__).resolve().parents[2] / "threads" / "samples" / "pheme"
DATASET = SAMPLES / "semeval2017-task8-dataset"
EVENTS = DATASET / "rumoureval-data"
NESTED = EVENTS / "charliehebdo" / "552800070199148544"
LABELS = DATASET / "traindev" / "rumoureval-subtaskA-train.json"
SOURCE, R1, R2 = "552800070199148544", "552800412347375616", "552800581235474432"

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def labels_file(tmp_path: Path, labels: dict[str, str]) -> Path:
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(labels, indent=2), encoding="utf-8")
    return path


def test_it_imports_every_thread_below_the_event_folders():
    summary = threads_import(corpus_slug="rumours", paths=[EVENTS])

    assert (summary.threads, summary.comments) == (3, 8)
    assert set(Article.objects.values_list("external_id", flat=True)) == {
        "552800070199148544",
        "552811386259386368",
        "580339510883561472",
    }


def test_it_nests_the_replies_at_their_depths():
    threads_import(corpus_slug="rumours", paths=[NESTED])

    comments = Comment.objects.order_by("position")
    assert [(c.external_id, c.depth) for c in comments] == [
        (R1, 0),
        (R2, 1),
        ("552800902271164416", 0),
        ("552801311920381953", 0),
    ]
    assert comments[1].parent.external_id == R1


def test_it_keeps_the_authors_times_and_the_rest_of_the_tweets():
    threads_import(corpus_slug="rumours", paths=[NESTED])

    article = Article.objects.get()
    reply = Comment.objects.get(external_id=R2)
    assert (article.author, article.url) == (
        "WorldNewsDesk",
        f"https://twitter.com/WorldNewsDesk/status/{SOURCE}",
    )
    assert article.published_at.isoformat() == "2015-01-07T11:21:04+00:00"
    assert reply.author == "tomwrites"
    assert reply.posted_at.isoformat() == "2015-01-07T11:23:05+00:00"
    assert reply.meta["user"]["followers_count"] == 1033
    assert reply.meta["entities"]["user_mentions"][0]["screen_name"] == "annie_m"


def test_it_counts_the_deleted_tweets_in_the_summary():
    summary = threads_import(corpus_slug="rumours", paths=[EVENTS])

    assert summary.counts["deleted tweets left out"] == 2
    assert "deleted tweets left out: 2. replies to deleted tweets left out: 2." in str(summary)


def test_it_does_not_duplicate_threads_on_reimport():
    threads_import(corpus_slug="rumours", paths=[EVENTS])

    again = threads_import(corpus_slug="rumours", paths=[EVENTS])

    assert (again.threads, again.threads_existing) == (0, 3)
    assert Article.objects.count() == 3


def test_it_imports_nothing_when_a_later_thread_is_bad(tmp_path):
    events = Path(shutil.copytree(EVENTS, tmp_path / "rumoureval-data"))
    last = events / "germanwings-crash" / "580339510883561472" / "replies"
    reply = last / "580341050281869312.json"
    tweet = json.loads(reply.read_text(encoding="utf-8"))
    reply.write_text(
        json.dumps({**tweet, "in_reply_to_status_id_str": "580341050281869312"}), encoding="utf-8"
    )

    with pytest.raises(FormatError) as caught:
        threads_import(corpus_slug="rumours", paths=[events])

    assert caught.value.file == str(reply)
    assert not Article.objects.exists() and not Comment.objects.exists()


def test_it_reads_and_writes_in_the_same_number_of_queries_for_one_thread_or_three():
    with CaptureQueriesContext(connection) as one:
        threads_import(corpus_slug="one", paths=[NESTED])
    with CaptureQueriesContext(connection) as three:
        threads_import(corpus_slug="three", paths=[EVENTS])

    assert len(three.captured_queries) == len(one.captured_queries)


def test_it_puts_the_source_tweets_label_in_the_article_meta(tmp_path):
    threads_import(
        corpus_slug="rumours",
        paths=[NESTED],
        options=ReadOptions(labels=labels_file(tmp_path, {SOURCE: "support"}), annotator="re"),
    )

    assert Article.objects.get().meta["label"] == "support"


def test_it_refuses_a_label_the_corpus_does_not_have_naming_the_labels_file(tmp_path):
    path = labels_file(tmp_path, {R1: "query", R2: "agree"})

    with pytest.raises(FormatError) as caught:
        threads_import(
            corpus_slug="rumours",
            paths=[NESTED],
            options=ReadOptions(labels=path, annotator="rumoureval"),
        )

    assert (caught.value.file, caught.value.line) == (str(path), 3)
    assert not Article.objects.exists()


# --- the command ---------------------------------------------------------------------------


def test_the_command_imports_a_pheme_folder_and_prints_what_it_left_out():
    output = run("import_threads", str(EVENTS), "--corpus", "rumours")

    assert output.startswith("Imported 3 threads")
    assert "deleted tweets left out: 2." in output


def test_the_command_refuses_labels_without_an_annotator():
    with pytest.raises(CommandError, match="--labels needs --annotator NAME"):
        run("import_threads", str(EVENTS), "--corpus", "rumours", "--labels", str(LABELS))

    assert not Article.objects.exists()


# --- labels (reply labels toward the root) -------------------------------------------------


def labelled(**options) -> ReadOptions:
    return ReadOptions(labels=options.pop("labels", LABELS), annotator="rumoureval", **options)


def test_it_imports_the_labels_as_reply_labels_toward_the_root():
    summary = threads_import(corpus_slug="rumours", paths=[EVENTS], options=labelled())

    labels = ReplyLabel.objects.filter(comment__article__external_id=SOURCE)
    assert summary.reply_labels == 7
    assert sorted((x.comment.external_id, x.label.name, x.toward) for x in labels) == [
        (R1, "query", "root"),
        (R2, "support", "root"),
        ("552800902271164416", "comment", "root"),
        ("552801311920381953", "deny", "root"),
    ]
    assert {(x.annotator.username, x.is_gold) for x in labels} == {("rumoureval", False)}


def test_it_creates_the_annotator_without_a_password():
    summary = threads_import(corpus_slug="rumours", paths=[NESTED], options=labelled())

    assert summary.users_created == 1
    assert not get_user_model().objects.get(username="rumoureval").has_usable_password()


def test_it_imports_the_labels_as_gold_settled_by_the_annotator():
    threads_import(corpus_slug="rumours", paths=[NESTED], options=labelled(as_gold=True))

    labels = ReplyLabel.objects.all()
    assert len(labels) == 4
    assert {(x.annotator.username, x.is_gold, x.source_id, x.toward) for x in labels} == {
        ("rumoureval", True, None, "root")
    }


def test_it_takes_a_label_the_corpus_schema_has_beyond_the_defaults(tmp_path):
    corpus = CorpusFactory(slug="rumours")
    LabelValue.objects.create(corpus=corpus, kind=LabelKind.REPLY_LABEL, name="agree")

    threads_import(
        corpus_slug="rumours",
        paths=[NESTED],
        options=labelled(labels=labels_file(tmp_path, {R1: "agree"})),
    )

    assert ReplyLabel.objects.get().label.name == "agree"


def test_it_exports_the_labels_toward_the_root_as_it_imported_them(tmp_path):
    threads_import(corpus_slug="rumours", paths=[NESTED], options=labelled())
    out = tmp_path / "out.jsonl"

    corpus_export(corpus=Corpus.objects.get(slug="rumours"), fmt="jsonl", path=out)

    (line,) = out.read_text(encoding="utf-8").splitlines()
    exported = json.loads(line)["annotations"]["reply_labels"]
    assert sorted((x["comment_id"], x["label"], x["toward"]) for x in exported) == [
        (R1, "query", "root"),
        (R2, "support", "root"),
        ("552800902271164416", "comment", "root"),
        ("552801311920381953", "deny", "root"),
    ]


def test_the_command_imports_the_labels_as_gold():
    output = run(
        "import_threads",
        str(NESTED),
        "--corpus",
        "rumours",
        "--labels",
        str(LABELS),
        "--annotator",
        "victor",
        "--as-gold",
    )

    assert "4 reply labels" in output
    assert ReplyLabel.objects.filter(is_gold=True, annotator__username="victor").count() == 4
