"""Importing Label Studio exports: claims, reply labels, gold, all or nothing."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from annotate.exchange import corpus_export_stream, threads_import
from annotate.models import Claim, Relation, ReplyLabel
from threads.formats.records import FormatError, ReadOptions
from threads.models import Article, Comment, Corpus

SAMPLES = Path(__file__).resolve().parents[2] / "threads" / "samples" / "labelstudio"
EMOJI = SAMPLES / "emoji_utf16.json"
THREAD = SAMPLES / "thread.json"
PLAIN = SAMPLES / "plain.json"

pytestmark = pytest.mark.django_db


def imported(*paths: Path, options: ReadOptions | None = None, **kwargs):
    return threads_import(corpus_slug="ls", paths=list(paths), options=options, **kwargs)


def test_it_imports_an_export_with_emoji_at_the_right_characters():
    imported(EMOJI)
    article = Article.objects.get(corpus__slug="ls", external_id="201")
    quotes = {(c.start, c.end, c.quote) for c in Claim.objects.filter(article=article)}
    assert quotes == {(c.start, c.end, article.body[c.start : c.end]) for c in Claim.objects.all()}
    assert {q for _, _, q in quotes} == {"everyone", "The talks 🤝 in Moscow will fail", "👍🏽"}


def test_it_counts_the_regions_converted_from_utf16_in_the_summary():
    summary = imported(EMOJI)
    assert summary.claims == 4
    assert "regions converted from UTF-16: 2." in str(summary)


def test_it_exports_the_imported_emoji_claims_as_they_came():
    imported(EMOJI)
    line = json.loads(
        b"".join(corpus_export_stream(corpus=Corpus.objects.get(slug="ls"), fmt="jsonl"))
    )
    claims = {c["text"]: (c["start"], c["end"]) for c in line["annotations"]["claims"]}
    assert claims["👍🏽"] == (line["body"].index("👍🏽"), line["body"].index("👍🏽") + 2)


def test_it_creates_the_annotators_it_names():
    imported(EMOJI)
    names = set(get_user_model().objects.values_list("username", flat=True))
    assert {"old@example.org", "labelstudio-8"} <= names


def test_it_imports_a_thread_of_tasks_with_its_reply_labels():
    summary = imported(THREAD)
    article = Article.objects.get(external_id="t1")
    comments = Comment.objects.filter(article=article).order_by("position")
    assert [(c.external_id, c.depth) for c in comments] == [("c1", 0), ("c2", 1), ("c3", 0)]
    labels = ReplyLabel.objects.filter(comment__article=article)
    assert {(r.annotator.username, r.comment.external_id, r.label.name) for r in labels} == {
        ("alice", "c2", "support"),
        ("alice", "c1", "comment"),
        ("bob@example.org", "c1", "deny"),
    }
    assert (summary.threads, summary.claims, summary.reply_labels) == (2, 2, 3)


def test_it_imports_the_labels_as_gold_when_asked():
    imported(EMOJI, options=ReadOptions(annotator="victor", as_gold=True))
    assert Claim.objects.filter(is_gold=True).count() == 4
    assert not Claim.objects.filter(is_gold=False).exists()
    assert set(Claim.objects.values_list("annotator__username", flat=True)) == {"victor"}


def test_it_imports_relations_as_claim_relations():
    summary = imported(PLAIN)
    relations = list(Relation.objects.select_related("from_claim", "to_claim", "type"))
    assert summary.relations == len(relations) > 0
    for relation in relations:
        assert relation.from_claim.annotator_id == relation.to_claim.annotator_id
        assert relation.type.kind == "relation"
    lines = b"".join(corpus_export_stream(corpus=Corpus.objects.get(slug="ls"), fmt="jsonl"))
    exported = [
        r
        for line in lines.splitlines()
        for c in json.loads(line)["annotations"]["claims"]
        for r in c.get("relations", [])
    ]
    assert len(exported) == len(relations)


def test_it_imports_nothing_when_a_later_file_has_a_bad_region(tmp_path):
    neither = shutil.copy(SAMPLES / "neither.json", tmp_path / "later.json")
    with pytest.raises(FormatError, match="later.json, line 2: task 401, annotation 41"):
        imported(EMOJI, Path(neither))
    assert not Article.objects.exists() and not Claim.objects.exists()


def test_strict_schema_refuses_a_claim_type_the_schema_lacks_naming_the_claim(tmp_path):
    tasks = json.loads(EMOJI.read_text(encoding="utf-8"))
    tasks[0]["annotations"][1]["result"][0]["value"]["labels"] = ["premise"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    with pytest.raises(FormatError, match=r"claim '201/12/n1': unknown claim type 'premise'"):
        imported(path, options=ReadOptions(strict_schema=True))
    assert not Claim.objects.exists()


def test_a_claim_type_the_schema_lacks_is_added_to_it(tmp_path):
    tasks = json.loads(EMOJI.read_text(encoding="utf-8"))
    tasks[0]["annotations"][1]["result"][0]["value"]["labels"] = ["premise"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    summary = imported(path)
    assert ("claim_type", "premise") in summary.labels_added
    assert Claim.objects.filter(claim_type__name="premise").count() == 1


def test_the_command_takes_the_annotator_and_gold_options():
    out = io.StringIO()
    call_command(
        "import_threads", str(EMOJI), "--corpus", "ls", "--annotator", "mia", "--as-gold",
        stdout=out,
    )  # fmt: skip
    assert "4 claims" in out.getvalue()
    assert set(Claim.objects.values_list("annotator__username", "is_gold")) == {("mia", True)}
