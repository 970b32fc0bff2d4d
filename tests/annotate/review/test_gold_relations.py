"""Gold relations: brought along by accepted claims, drawn and removed by the reviewer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotate.models import AnnotationEvent, Claim, LabelKind, Relation, ReviewStatus
from annotate.services import gold
from annotate.services.relations import relation_create
from tests.factories import ClaimFactory, RelationFactory

pytestmark = pytest.mark.django_db


def _accept(who, claim):
    return gold.gold_claim_accept(reviewer=who, claim_id=claim.pk, seen=gold.version_of(claim))


@pytest.fixture
def related(labelled, alice):
    """alice's claim on "First" (c1) supports her claim on "Thesis" (the article)."""
    relation = relation_create(
        annotator=alice,
        from_claim_id=labelled["a_first"].pk,
        to_claim_id=labelled["a_thesis"].pk,
        type=labelled["value"](LabelKind.RELATION, "support"),
    )
    return {**labelled, "relation": relation}


def _gold_relations():
    return list(
        Relation.objects.filter(is_gold=True).values_list(
            "from_claim__quote", "to_claim__quote", "type__name"
        )
    )


def test_accepting_a_claim_brings_its_relation_to_a_claim_in_gold(related, victor):
    _accept(victor, related["a_thesis"])
    accepted = _accept(victor, related["a_first"])
    assert accepted.relations == 1
    assert _gold_relations() == [("First", "Thesis", "support")]


def test_accepting_the_other_end_later_brings_the_relation_then(related, victor):
    assert _accept(victor, related["a_first"]).relations == 0
    assert _gold_relations() == []
    assert _accept(victor, related["a_thesis"]).relations == 1
    assert _gold_relations() == [("First", "Thesis", "support")]


def test_a_brought_relation_records_its_source_and_who_settled_it(related, victor, alice):
    _accept(victor, related["a_thesis"])
    _accept(victor, related["a_first"])
    relation = Relation.objects.get(is_gold=True)
    assert (relation.annotator_id, relation.source_id) == (victor.pk, alice.pk)
    event = AnnotationEvent.objects.get(object_type="relation", object_id=relation.pk)
    assert (event.actor_id, event.action, event.after["source_id"]) == (
        victor.pk,
        "create",
        alice.pk,
    )


def test_accept_all_brings_the_relations_among_the_claims_it_accepts(labelled, victor, alice):
    article, c1 = labelled["article"], labelled["c1"]
    second = ClaimFactory(annotator=alice, article=article, comment=c1, start=8, end=16)
    RelationFactory(from_claim=second, to_claim=labelled["a_first"])
    mine = Claim.objects.filter(annotator=alice, comment=c1)
    accepted, _ = gold.gold_claims_accept_all(
        reviewer=victor,
        article=article,
        annotator_id=alice.pk,
        comment_id=c1.pk,
        seen={c.pk: gold.version_of(c) for c in mine},
    )
    assert sum(a.relations for a in accepted) == 1
    assert _gold_relations() == [("comment.", "First", "support")]


def test_an_accepted_claim_keeps_its_attributes(labelled, victor, alice):
    claim = ClaimFactory(
        annotator=alice, article=labelled["article"], comment=labelled["c2"], attributes={"A": "b"}
    )
    assert _accept(victor, claim).claim.attributes == {"A": "b"}


def _gold_pair(labelled, victor):
    return _accept(victor, labelled["a_thesis"]).claim, _accept(victor, labelled["a_first"]).claim


def test_a_reviewer_draws_a_relation_between_gold_claims(labelled, victor):
    thesis, first = _gold_pair(labelled, victor)
    relation = gold.gold_relation_draw(
        reviewer=victor,
        article=labelled["article"],
        from_claim_id=first.pk,
        to_claim_id=thesis.pk,
        type=labelled["value"](LabelKind.RELATION, "attack"),
    )
    assert (relation.is_gold, relation.annotator_id, relation.source_id) == (True, victor.pk, None)


def test_drawing_a_relation_puts_the_thread_in_review(labelled, victor):
    thesis, first = _gold_pair(labelled, victor)
    gold.review_status_set(reviewer=victor, article=labelled["article"], status="unreviewed")
    gold.gold_relation_draw(
        reviewer=victor,
        article=labelled["article"],
        from_claim_id=first.pk,
        to_claim_id=thesis.pk,
        type=labelled["value"](LabelKind.RELATION, "attack"),
    )
    labelled["article"].review.refresh_from_db()
    assert labelled["article"].review.status == ReviewStatus.IN_REVIEW


def test_it_refuses_a_gold_relation_to_an_annotators_claim(labelled, victor):
    thesis, _ = _gold_pair(labelled, victor)
    with pytest.raises(gold.GoldConflict, match="not in this thread's gold"):
        gold.gold_relation_draw(
            reviewer=victor,
            article=labelled["article"],
            from_claim_id=thesis.pk,
            to_claim_id=labelled["b_thesis"].pk,
            type=labelled["value"](LabelKind.RELATION, "attack"),
        )


def test_it_refuses_a_gold_relation_down_the_reply_chain(labelled, victor):
    thesis, first = _gold_pair(labelled, victor)
    with pytest.raises(ValidationError, match="up the reply chain"):
        gold.gold_relation_draw(
            reviewer=victor,
            article=labelled["article"],
            from_claim_id=thesis.pk,
            to_claim_id=first.pk,
            type=labelled["value"](LabelKind.RELATION, "attack"),
        )


def test_it_refuses_a_gold_relation_from_someone_who_does_not_review(labelled, victor, alice):
    thesis, first = _gold_pair(labelled, victor)
    with pytest.raises(ValidationError, match="not in a corpus you review"):
        gold.gold_relation_draw(
            reviewer=alice,
            article=labelled["article"],
            from_claim_id=first.pk,
            to_claim_id=thesis.pk,
            type=labelled["value"](LabelKind.RELATION, "attack"),
        )


def test_a_reviewer_removes_a_gold_relation(related, victor):
    _accept(victor, related["a_thesis"])
    _accept(victor, related["a_first"])
    relation = Relation.objects.get(is_gold=True)
    gold.gold_relation_delete(reviewer=victor, article=related["article"], relation_id=relation.pk)
    assert _gold_relations() == []


def test_removing_a_gold_relation_twice_says_who_removed_it(related, victor):
    _accept(victor, related["a_thesis"])
    _accept(victor, related["a_first"])
    relation = Relation.objects.get(is_gold=True)
    gold.gold_relation_delete(reviewer=victor, article=related["article"], relation_id=relation.pk)
    with pytest.raises(gold.GoldConflict, match="removed by victor"):
        gold.gold_relation_delete(
            reviewer=victor, article=related["article"], relation_id=relation.pk
        )


def test_deleting_a_gold_claim_removes_its_gold_relations(related, victor):
    thesis = _accept(victor, related["a_thesis"]).claim
    _accept(victor, related["a_first"])
    gold.gold_claim_delete(reviewer=victor, claim_id=thesis.pk, seen=gold.version_of(thesis))
    assert _gold_relations() == []
    assert Relation.objects.filter(is_gold=False).count() == 1  # alice's stays
