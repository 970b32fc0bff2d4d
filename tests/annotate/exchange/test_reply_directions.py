"""Reply labels toward the parent and toward the root through export and import: the files
carry each label's direction, and an import turns on a direction its file labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.exchange import corpus_export, corpus_export_stream, threads_import
from annotate.models import ReplyLabel
from annotate.selectors.schema import reply_directions_get
from annotate.services.corpora import reply_directions_set
from tests.factories import ArticleFactory, CommentFactory, ReplyLabelFactory, label
from threads.formats.records import FormatError
from threads.models import Corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(corpus, alice, victor):
    """A corpus labelling both directions: alice's labels toward each, and gold toward the root."""
    reply_directions_set(corpus=corpus, directions=["parent", "root"])
    article = ArticleFactory(corpus=corpus, external_id="t1", body="Thesis here.")
    c1 = CommentFactory(article=article, external_id="c1", text="First.")
    c2 = CommentFactory(article=article, parent=c1, external_id="c2", text="A reply.")
    deny, query = label(corpus, "reply_label", "deny"), label(corpus, "reply_label", "query")
    ReplyLabelFactory(comment=c2, annotator=alice, label=deny, toward="parent")
    ReplyLabelFactory(comment=c2, annotator=alice, label=query, toward="root")
    ReplyLabelFactory(comment=c1, annotator=alice, label=query, toward="root")
    ReplyLabelFactory(comment=c2, annotator=victor, label=query, toward="root", is_gold=True)
    return corpus


def export_lines(corpus: Corpus) -> list[dict]:
    data = b"".join(corpus_export_stream(corpus=corpus, fmt="jsonl"))
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def write_jsonl(path: Path, labels: list[dict]) -> Path:
    thread = {
        "id": "t1",
        "title": "A thread",
        "body": "Thesis.",
        "comments": [{"id": "c1", "parent_id": None, "text": "First."}],
        "annotations": {"claims": [], "reply_labels": labels},
    }
    path.write_text(json.dumps(thread) + "\n", encoding="utf-8")
    return path


def test_it_exports_each_reply_label_with_its_direction(both):
    (line,) = export_lines(both)
    assert line["annotations"]["reply_labels"] == [
        {"annotator": "alice", "comment_id": "c1", "label": "query", "toward": "root"},
        {"annotator": "alice", "comment_id": "c2", "label": "deny", "toward": "parent"},
        {"annotator": "alice", "comment_id": "c2", "label": "query", "toward": "root"},
    ]
    assert line["gold"]["reply_labels"][0]["toward"] == "root"


def test_it_round_trips_both_directions_through_jsonl(both, tmp_path):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    corpus_export(corpus=both, fmt="jsonl", path=first)

    summary = threads_import(corpus_slug="copy", paths=[first])
    corpus_export(corpus=Corpus.objects.get(slug="copy"), fmt="jsonl", path=second)

    assert summary.reply_labels == 4
    assert second.read_bytes() == first.read_bytes()


def test_it_round_trips_both_directions_through_convokit(both, tmp_path):
    folder = tmp_path / "convokit"
    corpus_export(corpus=both, fmt="convokit", path=folder)

    threads_import(corpus_slug="copy", paths=[folder])

    copy = Corpus.objects.get(slug="copy")
    assert export_lines(copy)[0]["annotations"] == export_lines(both)[0]["annotations"]
    assert export_lines(copy)[0]["gold"] == export_lines(both)[0]["gold"]


def test_it_turns_on_a_direction_the_file_labels_and_says_so(corpus, tmp_path):
    labels = [{"annotator": "alice", "comment_id": "c1", "label": "deny", "toward": "root"}]

    summary = threads_import(
        corpus_slug=corpus.slug, paths=[write_jsonl(tmp_path / "a.jsonl", labels)]
    )

    assert reply_directions_get(corpus=Corpus.objects.get(pk=corpus.pk)) == ("parent", "root")
    assert summary.directions_enabled == ["root"]
    assert "The corpus now labels replies toward the article" in str(summary)


def test_it_leaves_the_directions_alone_when_the_file_labels_only_known_ones(corpus, tmp_path):
    labels = [{"annotator": "alice", "comment_id": "c1", "label": "deny", "toward": "parent"}]

    summary = threads_import(
        corpus_slug=corpus.slug, paths=[write_jsonl(tmp_path / "a.jsonl", labels)]
    )

    assert reply_directions_get(corpus=Corpus.objects.get(pk=corpus.pk)) == ("parent",)
    assert summary.directions_enabled == []
    assert "now labels" not in str(summary)


def test_it_turns_on_nothing_when_the_import_fails(corpus, tmp_path):
    labels = [
        {"annotator": "alice", "comment_id": "c1", "label": "deny", "toward": "root"},
        {"annotator": "alice", "comment_id": "c1", "label": "nonsense", "toward": "parent"},
    ]
    with pytest.raises(FormatError, match="unknown reply label 'nonsense'"):
        threads_import(corpus_slug=corpus.slug, paths=[write_jsonl(tmp_path / "a.jsonl", labels)])

    assert reply_directions_get(corpus=Corpus.objects.get(pk=corpus.pk)) == ("parent",)
    assert not ReplyLabel.objects.exists()


def test_it_imports_one_label_of_an_annotator_toward_each_direction(corpus, tmp_path):
    labels = [
        {"annotator": "alice", "comment_id": "c1", "label": "deny", "toward": "parent"},
        {"annotator": "alice", "comment_id": "c1", "label": "query", "toward": "root"},
    ]
    threads_import(corpus_slug=corpus.slug, paths=[write_jsonl(tmp_path / "a.jsonl", labels)])

    assert set(ReplyLabel.objects.values_list("toward", "label__name")) == {
        ("parent", "deny"),
        ("root", "query"),
    }


def test_it_names_the_file_line_and_label_of_a_second_label_toward_one_direction(corpus, tmp_path):
    labels = [
        {"annotator": "alice", "comment_id": "c1", "label": "deny", "toward": "root"},
        {"annotator": "alice", "comment_id": "c1", "label": "query", "toward": "root"},
    ]
    path = write_jsonl(tmp_path / "a.jsonl", labels)
    with pytest.raises(FormatError) as error:
        threads_import(corpus_slug=corpus.slug, paths=[path])
    message = str(error.value)
    assert str(path) in message and "line 1" in message
    assert "'alice' labels comment 'c1' toward root twice" in message
