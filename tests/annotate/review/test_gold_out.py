"""Gold out: the API and every export carry who settled each gold label and where it came from,
and an import of a file with gold restores both."""

from __future__ import annotations

import csv
import json

import pytest

from annotate.exchange import corpus_export, threads_import
from annotate.models import Claim, LabelKind, ReplyLabel
from annotate.services import gold
from tests.annotate.api.clients import client_for
from threads.models import Corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled(labelled, victor):
    """alice's "First" accepted, a claim drawn by victor answering it, the majority reply label
    on c1 (alice's), and bob's on c2."""
    accepted = gold.gold_claim_accept(
        reviewer=victor,
        claim_id=labelled["a_first"].pk,
        seen=gold.version_of(labelled["a_first"]),
    ).claim
    value = labelled["value"]
    drawn = gold.gold_claim_draw(
        reviewer=victor,
        article=labelled["article"],
        comment=labelled["c2"],
        start=2,
        end=7,
        quote="reply",
        claim_type=value(LabelKind.CLAIM_TYPE, "claim"),
        stance=value(LabelKind.STANCE, "support"),
        target_claim=accepted,
    )
    deny = labelled["a_reply"].label_id
    gold.gold_reply_label_majority(
        reviewer=victor, comment=labelled["c1"], seen=f"alice={deny},bob={deny}", seen_gold=""
    )
    gold.gold_reply_label_accept(
        reviewer=victor,
        reply_label_id=labelled["b_reply2"].pk,
        seen=str(labelled["b_reply2"].label_id),
        seen_gold="",
    )
    return {**labelled, "accepted": accepted, "drawn": drawn}


def test_it_serves_gold_claims_with_who_settled_them_and_their_source(settled, rita):
    article = settled["article"]
    rows = client_for(rita).get(f"/api/v1/claims/?gold=true&thread={article.pk}").json()["results"]
    assert [(r["text"], r["settled_by"], r["source"]) for r in rows] == [
        ("First", "victor", "alice"),
        ("reply", "victor", None),
    ]


def test_it_serves_annotators_claims_without_provenance(settled, rita):
    rows = client_for(rita).get("/api/v1/claims/?gold=false").json()["results"]
    assert {(r["settled_by"], r["source"]) for r in rows} == {(None, None)}


def test_it_serves_gold_reply_labels_with_who_settled_them_and_their_source(settled, rita):
    rows = client_for(rita).get("/api/v1/reply-labels/?gold=true").json()["results"]
    assert sorted((r["label"], r["settled_by"], r["source"]) for r in rows) == [
        ("deny", "victor", "alice"),
        ("query", "victor", "bob"),
    ]


def _export(corpus, fmt, path):
    corpus_export(corpus=corpus, fmt=fmt, path=path)
    return path


def test_it_exports_gold_claims_to_jsonl_with_settled_by_and_source(settled, tmp_path):
    line = json.loads(_export(settled["article"].corpus, "jsonl", tmp_path / "x.jsonl").read_text())
    claims = line["gold"]["claims"]
    assert [(c["text"], c["settled_by"], c["source"]) for c in claims] == [
        ("First", "victor", "alice"),
        ("reply", "victor", None),
    ]


def test_it_exports_a_drawn_gold_claim_targeting_an_accepted_one(settled, tmp_path):
    line = json.loads(_export(settled["article"].corpus, "jsonl", tmp_path / "x.jsonl").read_text())
    first, drawn = line["gold"]["claims"]
    assert drawn["stance_target"] == {"claim": first["id"]}


def test_it_exports_gold_reply_labels_to_jsonl_with_settled_by_and_source(settled, tmp_path):
    line = json.loads(_export(settled["article"].corpus, "jsonl", tmp_path / "x.jsonl").read_text())
    assert line["gold"]["reply_labels"] == [
        {
            "annotator": "victor",
            "comment_id": "c1",
            "label": "deny",
            "toward": "parent",
            "settled_by": "victor",
            "source": "alice",
        },
        {
            "annotator": "victor",
            "comment_id": "c2",
            "label": "query",
            "toward": "parent",
            "settled_by": "victor",
            "source": "bob",
        },
    ]


def test_it_exports_settled_by_and_source_columns_to_csv(settled, tmp_path):
    path = _export(settled["article"].corpus, "csv", tmp_path / "x.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert [(r["gold"], r["settled_by"], r["source"]) for r in rows if r["gold"] == "true"] == [
        ("true", "victor", "alice"),
        ("true", "victor", ""),
    ]
    assert {(r["settled_by"], r["source"]) for r in rows if r["gold"] == "false"} == {("", "")}


def test_it_exports_settled_by_and_source_in_convokit_gold_dicts(settled, tmp_path):
    folder = _export(settled["article"].corpus, "convokit", tmp_path / "ck")
    metas = [
        json.loads(line)["meta"]
        for line in (folder / "utterances.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    gold_claims = [c for m in metas for c in m.get("threadlab_gold_claims", [])]
    gold_labels = [r for m in metas for r in m.get("threadlab_gold_reply_labels", [])]
    assert [(c["settled_by"], c["source"]) for c in gold_claims] == [
        ("victor", "alice"),
        ("victor", None),
    ]
    assert [(r["settled_by"], r["source"]) for r in gold_labels] == [
        ("victor", "alice"),
        ("victor", "bob"),
    ]


def test_it_restores_source_and_settled_by_on_import(settled, tmp_path):
    path = _export(settled["article"].corpus, "jsonl", tmp_path / "x.jsonl")
    threads_import(corpus_slug="copy", paths=[path])
    copy = Corpus.objects.get(slug="copy")
    claims = Claim.objects.filter(article__corpus=copy, is_gold=True).order_by("start")
    labels = ReplyLabel.objects.filter(article__corpus=copy, is_gold=True).order_by("label_id")
    assert [(c.annotator.username, c.source and c.source.username) for c in claims] == [
        ("victor", "alice"),
        ("victor", None),
    ]
    assert [(r.annotator.username, r.source.username) for r in labels] == [
        ("victor", "alice"),
        ("victor", "bob"),
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "convokit"])
def test_it_round_trips_gold_through_an_export_and_an_import(settled, tmp_path, fmt):
    first = _export(settled["article"].corpus, fmt, tmp_path / f"first.{fmt}")
    threads_import(corpus_slug="copy", paths=[first], fmt=fmt)
    second = _export(Corpus.objects.get(slug="copy"), fmt, tmp_path / f"second.{fmt}")
    if fmt == "jsonl":
        assert second.read_bytes() == first.read_bytes()
    else:
        name = "utterances.jsonl"
        assert (second / name).read_bytes() == (first / name).read_bytes()


def test_it_imports_a_gold_claim_settled_by_someone_other_than_its_annotator(corpus, tmp_path):
    line = {
        "id": "t9",
        "title": "T",
        "body": "Body text.",
        "comments": [],
        "gold": {
            "claims": [
                {
                    "id": 1,
                    "annotator": "vera",
                    "comment_id": None,
                    "start": 0,
                    "end": 4,
                    "text": "Body",
                    "claim_type": "claim",
                    "stance": "support",
                    "stance_target": "thesis",
                    "settled_by": "vera",
                    "source": "zoe",
                }
            ],
            "reply_labels": [],
        },
    }
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    threads_import(corpus_slug=corpus.slug, paths=[path])
    claim = Claim.objects.get(is_gold=True)
    assert (claim.annotator.username, claim.source.username) == ("vera", "zoe")
