"""Relations over the API: nested in each claim, and their own list with its filters, read by
the same rules as claims (blind annotation, grants)."""

from __future__ import annotations

import pytest

from annotate.models import LabelKind
from tests.annotate.api.clients import client_for, ids
from tests.factories import ClaimFactory, RelationFactory, label

pytestmark = pytest.mark.django_db


def rows(user, url):
    response = client_for(user).get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_claim_lists_its_relations(labelled, rita):
    claims = labelled["claims"]
    row = next(r for r in rows(rita, "/api/v1/claims/") if r["id"] == claims["a_c2"].pk)
    assert row["relations"] == [{"type": "attack", "claim": claims["a_c1"].pk}]


def test_a_claim_carries_its_attributes(labelled, rita, alice):
    claim = ClaimFactory(
        annotator=alice, article=labelled["article"], attributes={"Confidence": "high"}
    )
    row = next(r for r in rows(rita, "/api/v1/claims/") if r["id"] == claim.pk)
    assert row["attributes"] == {"Confidence": "high"}


def test_it_lists_a_relation_with_every_field(labelled, rita):
    relation = labelled["relations"]["a"]
    (row,) = rows(rita, "/api/v1/relations/")
    assert row == {
        "id": relation.pk,
        "thread": labelled["article"].pk,
        "annotator": "alice",
        "type": "attack",
        "from_claim": labelled["claims"]["a_c2"].pk,
        "to_claim": labelled["claims"]["a_c1"].pk,
        "gold": False,
        "settled_by": None,
        "source": None,
        "created_at": relation.created_at.isoformat().replace("+00:00", "Z"),
    }


def _gold_relation(labelled, victor, alice):
    gold = labelled["claims"]["gold"]
    up = ClaimFactory(annotator=victor, article=labelled["article"], is_gold=True)
    return RelationFactory(from_claim=gold, to_claim=up, annotator=victor, source=alice)


def test_it_lists_a_gold_relation_with_who_settled_it_and_whence(labelled, rita, victor, alice):
    relation = _gold_relation(labelled, victor, alice)
    row = next(r for r in rows(rita, "/api/v1/relations/?gold=true") if r["id"] == relation.pk)
    assert (row["gold"], row["settled_by"], row["source"]) == (True, "victor", "alice")


@pytest.mark.parametrize(
    ("query", "expected"),
    [("type=attack", {"a"}), ("type=support", {"g"}), ("gold=false", {"a"}), ("gold=true", {"g"})],
)
def test_it_filters_relations(labelled, rita, victor, alice, query, expected):
    made = {"a": labelled["relations"]["a"], "g": _gold_relation(labelled, victor, alice)}
    found = ids(client_for(rita).get(f"/api/v1/relations/?{query}"))
    assert found == {made[k].pk for k in expected}


def test_it_filters_relations_by_thread_corpus_and_annotator(labelled, rita):
    relation = labelled["relations"]["a"]
    article = labelled["article"]
    for query in (f"thread={article.pk}", "corpus=demo", "annotator=alice"):
        assert ids(client_for(rita).get(f"/api/v1/relations/?{query}")) == {relation.pk}
    assert ids(client_for(rita).get("/api/v1/relations/?annotator=bob")) == set()


def test_it_refuses_an_unknown_relation_type_with_the_valid_ones(labelled, rita):
    response = client_for(rita).get("/api/v1/relations/?type=rebuts")
    assert response.status_code == 400
    assert response.json()["errors"]["type"] == [
        "No relation type named 'rebuts'. Valid: attack, support."
    ]


def test_an_annotator_reads_only_their_own_relations(labelled, alice, bob):
    claims = labelled["claims"]
    theirs = RelationFactory(
        from_claim=claims["b_c1"],
        to_claim=ClaimFactory(annotator=bob, article=labelled["article"]),
        type=label(labelled["article"].corpus, LabelKind.RELATION, "support"),
    )
    assert ids(client_for(alice).get("/api/v1/relations/")) == {labelled["relations"]["a"].pk}
    assert ids(client_for(bob).get("/api/v1/relations/")) == {theirs.pk}


def test_an_outsider_and_a_researcher_of_another_corpus_read_no_relation(labelled, charlie):
    assert ids(client_for(charlie).get("/api/v1/relations/")) == set()
    assert ids(client_for(labelled["dave"]).get("/api/v1/relations/")) == set()


def test_the_api_refuses_to_write_a_relation(labelled, rita):
    response = client_for(rita).post("/api/v1/relations/", {}, format="json")
    assert response.status_code in (403, 405)
