"""Relations and claim attributes through the exports and back in: jsonl, csv and ConvoKit carry
them; an import checks them (the same line and section, the same annotator, the same or an
ancestor text, a known type) and a round trip gives the same file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from annotate.exchange import corpus_export, corpus_export_stream, threads_import
from annotate.models import LabelKind, Relation
from tests.factories import ClaimFactory, RelationFactory, UserFactory, label
from threads.formats.records import FormatError, ReadOptions
from threads.models import Corpus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def related(thread, alice, victor):
    """alice: a claim in the article (with attributes), one in c1 supporting it and one in c3
    attacking the one in c1; gold: victor's claim in c1 attacks wendy's gold claim in the
    article, accepted from alice."""
    article = thread["article"]
    corpus = article.corpus
    attack = label(corpus, LabelKind.RELATION, "attack")
    thesis = ClaimFactory(
        annotator=alice, article=article, start=0, end=6, attributes={"Confidence": "high"}
    )
    first = ClaimFactory(annotator=alice, article=article, comment=thread["c1"], start=0, end=5)
    deep = ClaimFactory(annotator=alice, article=article, comment=thread["c3"], start=0, end=6)
    RelationFactory(from_claim=first, to_claim=thesis)
    RelationFactory(from_claim=deep, to_claim=first, type=attack)
    wendy = UserFactory(username="wendy")
    gold_thesis = ClaimFactory(annotator=wendy, article=article, is_gold=True, start=0, end=6)
    gold_first = ClaimFactory(
        annotator=victor, article=article, comment=thread["c1"], is_gold=True, start=0, end=5
    )
    RelationFactory(
        from_claim=gold_first, to_claim=gold_thesis, type=attack, annotator=victor, source=alice
    )
    return corpus


def export_line(corpus) -> dict:
    (line,) = b"".join(corpus_export_stream(corpus=corpus, fmt="jsonl")).splitlines()
    return json.loads(line)


def test_it_exports_a_claims_relations_by_local_id(related):
    claims = export_line(related)["annotations"]["claims"]
    by_quote = {c["text"]: c for c in claims}
    thesis, first, deep = by_quote["Thesis"], by_quote["First"], by_quote["Deeper"]
    assert first["relations"] == [{"type": "support", "claim": thesis["id"]}]
    assert deep["relations"] == [{"type": "attack", "claim": first["id"]}]
    assert thesis["relations"] == []


def test_it_exports_a_claims_attributes(related):
    claims = export_line(related)["annotations"]["claims"]
    assert [c["attributes"] for c in claims] == [{"Confidence": "high"}, {}, {}]


def test_it_exports_a_gold_relation_with_who_settled_it_and_whence(related):
    gold = {c["text"]: c for c in export_line(related)["gold"]["claims"]}
    assert gold["First"]["relations"] == [
        {"type": "attack", "claim": gold["Thesis"]["id"], "settled_by": "victor", "source": "alice"}
    ]


def test_it_round_trips_relations_and_attributes_through_jsonl(related, tmp_path):
    first = tmp_path / "first.jsonl"
    corpus_export(corpus=related, fmt="jsonl", path=first)
    summary = threads_import(corpus_slug="copy", paths=[first])
    second = tmp_path / "second.jsonl"
    corpus_export(corpus=Corpus.objects.get(slug="copy"), fmt="jsonl", path=second)
    assert summary.relations == 3
    assert second.read_bytes() == first.read_bytes()
    gold = Relation.objects.get(is_gold=True, article__corpus__slug="copy")
    assert (gold.annotator.username, gold.source.username) == ("victor", "alice")


def test_it_round_trips_relations_through_convokit(related, tmp_path):
    folder = tmp_path / "convokit"
    corpus_export(corpus=related, fmt="convokit", path=folder)
    threads_import(corpus_slug="copy", paths=[folder])
    assert export_line(Corpus.objects.get(slug="copy")) == export_line(related)


def test_it_writes_relations_and_attributes_columns_in_csv(related, tmp_path):
    path = tmp_path / "out.csv"
    corpus_export(corpus=related, fmt="csv", path=path)
    with open(path, encoding="utf-8", newline="") as handle:
        rows = {(r["gold"], r["text"]): r for r in csv.DictReader(handle)}
    assert json.loads(rows[("false", "First")]["relations"]) == [
        {"type": "support", "claim": int(rows[("false", "Thesis")]["claim_id"])}
    ]
    assert json.loads(rows[("false", "Thesis")]["attributes"]) == {"Confidence": "high"}
    assert (
        rows[("false", "Thesis")]["relations"] == ""
        and rows[("false", "First")]["attributes"] == ""
    )


# --- import errors ------------------------------------------------------------------------------


def write(tmp_path: Path, claims: list[dict], section: str = "annotations") -> Path:
    line = {
        "id": "t1",
        "title": "T",
        "body": "Thesis 🚀 here.",
        "comments": [
            {"id": "c1", "parent_id": None, "text": "First 😀 comment."},
            {"id": "c2", "parent_id": "c1", "text": "A reply."},
            {"id": "c3", "parent_id": None, "text": "Another branch."},
        ],
        section: {"claims": claims, "reply_labels": []},
    }
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def claim(cid, comment_id=None, text="Thesis", annotator="alice", **extra) -> dict:
    return {
        "id": cid,
        "annotator": annotator,
        "comment_id": comment_id,
        "start": 0,
        "end": len(text),
        "text": text,
        "claim_type": "claim",
        "stance": "support",
        "stance_target": "thesis",
        **extra,
    }


def import_error(path: Path) -> str:
    with pytest.raises(FormatError) as caught:
        threads_import(corpus_slug="demo", paths=[path])
    assert not Relation.objects.exists()
    return str(caught.value)


def test_it_imports_a_relation_two_posts_up(tmp_path):
    path = write(
        tmp_path,
        [
            claim(1),
            claim(2, "c2", "A reply", relations=[{"type": "attack", "claim": 1}]),
        ],
    )
    threads_import(corpus_slug="demo", paths=[path])
    relation = Relation.objects.get()
    assert (relation.from_claim.quote, relation.to_claim.quote, relation.type.name) == (
        "A reply",
        "Thesis",
        "attack",
    )


def test_it_refuses_a_relation_to_a_claim_not_in_the_line(tmp_path):
    path = write(tmp_path, [claim(1, relations=[{"type": "support", "claim": 9}])])
    error = import_error(path)
    assert "in.jsonl, line 1" in error and "claim 1" in error and "claim 9" in error


def test_it_refuses_a_relation_to_another_annotators_claim(tmp_path):
    path = write(
        tmp_path,
        [
            claim(1, annotator="bob"),
            claim(2, "c1", "First", relations=[{"type": "support", "claim": 1}]),
        ],
    )
    assert "relates only to its annotator's own claims" in import_error(path)


def test_it_refuses_a_relation_to_another_branch(tmp_path):
    path = write(
        tmp_path,
        [
            claim(1, "c1", "First"),
            claim(2, "c3", "Another", relations=[{"type": "support", "claim": 1}]),
        ],
    )
    error = import_error(path)
    assert "claim 2: relation to claim 1" in error
    assert "not in the same text or in a text this one replies to" in error


def test_it_adds_an_unknown_relation_type_to_the_schema(tmp_path):
    path = write(tmp_path, [claim(1), claim(2, relations=[{"type": "rebuts", "claim": 1}])])

    summary = threads_import(corpus_slug="demo", paths=[path])

    assert "relation type: rebuts" in str(summary)
    assert Relation.objects.get().type.name == "rebuts"


def test_strict_schema_refuses_an_unknown_relation_type_naming_the_known_ones(tmp_path):
    path = write(tmp_path, [claim(1), claim(2, relations=[{"type": "rebuts", "claim": 1}])])
    with pytest.raises(FormatError) as caught:
        threads_import(corpus_slug="demo", paths=[path], options=ReadOptions(strict_schema=True))
    assert "unknown relation type 'rebuts': corpus 'demo' has attack, support" in str(caught.value)
    assert not Relation.objects.exists()


def test_it_refuses_a_relation_to_itself(tmp_path):
    path = write(tmp_path, [claim(1, relations=[{"type": "support", "claim": 1}])])
    assert "a relation to itself" in import_error(path)


def test_it_refuses_attributes_that_are_not_strings(tmp_path):
    path = write(tmp_path, [claim(1, attributes={"Confidence": 0.9})])
    error = import_error(path)
    assert "claim 1" in error and "attribute 'Confidence'" in error


def test_it_refuses_nested_attributes(tmp_path):
    path = write(tmp_path, [claim(1, attributes={"a": {"b": "c"}})])
    assert "attribute 'a' must have a name and a string value" in import_error(path)


def test_it_imports_a_gold_relation_settled_by_its_claims_reviewer_when_unsaid(tmp_path):
    path = write(
        tmp_path,
        [
            claim(1, annotator="victor"),
            claim(2, "c1", "First", annotator="wendy", relations=[{"type": "attack", "claim": 1}]),
        ],
        section="gold",
    )
    threads_import(corpus_slug="demo", paths=[path])
    relation = Relation.objects.get()
    assert (relation.is_gold, relation.annotator.username, relation.source) == (True, "wendy", None)


def test_it_imports_nothing_when_a_relation_is_wrong(tmp_path):
    path = write(tmp_path, [claim(1, relations=[{"type": "support", "claim": 2}])])
    import_error(path)
    assert not Corpus.objects.filter(slug="demo", articles__isnull=False).exists()
