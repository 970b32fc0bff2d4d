"""Relation services: an annotator's typed links between their own claims, checked, recorded,
and what deleting and restoring a claim does to them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from annotate.models import AnnotationEvent, AssignmentStatus, LabelKind, Relation
from annotate.services.assignments import assignment_set_status
from annotate.services.claims import claim_delete, claim_restore
from annotate.services.corpora import label_value_delete
from annotate.services.relations import relation_create, relation_delete
from tests.factories import ClaimFactory, RelationFactory, label

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(thread, alice):
    """alice's claims: one in the article body, one in c1, one in c3 (c1 > c2 > c3), one in c4."""
    article = thread["article"]

    def claim(comment=None):
        return ClaimFactory(annotator=alice, article=article, comment=comment)

    return {
        "article": claim(),
        "c1": claim(thread["c1"]),
        "c3": claim(thread["c3"]),
        "c4": claim(thread["c4"]),
    }


def support(corpus):
    return label(corpus, LabelKind.RELATION, "support")


def attack(corpus):
    return label(corpus, LabelKind.RELATION, "attack")


def create(annotator, from_claim, to_claim, type=None):
    return relation_create(
        annotator=annotator,
        from_claim_id=from_claim.pk,
        to_claim_id=to_claim.pk,
        type=type or support(from_claim.article.corpus),
    )


def test_it_relates_a_claim_to_one_two_posts_up(claims, alice):
    relation = create(alice, claims["c3"], claims["c1"])
    assert (relation.from_claim_id, relation.to_claim_id) == (claims["c3"].pk, claims["c1"].pk)
    assert (relation.annotator_id, relation.is_gold, relation.source_id) == (alice.pk, False, None)


def test_it_relates_two_claims_of_one_text(claims, alice, thread):
    other = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    assert create(alice, other, claims["c1"]).pk


def test_it_gives_a_claim_several_relations(claims, alice, corpus):
    create(alice, claims["c3"], claims["c1"])
    create(alice, claims["c3"], claims["article"], attack(corpus))
    create(alice, claims["c3"], claims["c1"], attack(corpus))
    assert claims["c3"].relations.count() == 3


def test_it_refuses_the_same_relation_twice(claims, alice):
    create(alice, claims["c3"], claims["c1"])
    with pytest.raises(ValidationError, match="already supports"):
        create(alice, claims["c3"], claims["c1"])


def test_it_refuses_a_relation_down_the_reply_chain(claims, alice):
    with pytest.raises(ValidationError, match="up the reply chain"):
        create(alice, claims["c1"], claims["c3"])


def test_it_refuses_a_relation_to_another_branch(claims, alice):
    with pytest.raises(ValidationError, match="up the reply chain"):
        create(alice, claims["c4"], claims["c1"])


def test_it_refuses_a_relation_to_itself(claims, alice):
    with pytest.raises(ValidationError, match="two different claims"):
        create(alice, claims["c1"], claims["c1"])


def test_it_refuses_a_relation_to_another_annotators_claim(claims, alice, bob, thread):
    bobs = ClaimFactory(annotator=bob, article=thread["article"])
    with pytest.raises(ValidationError, match="your own claims"):
        create(alice, claims["c1"], bobs)


def test_it_refuses_a_relation_from_another_annotators_claim(claims, bob):
    with pytest.raises(PermissionDenied):
        create(bob, claims["c1"], claims["article"])


def test_it_refuses_a_stance_as_the_relation_type(claims, alice, corpus):
    with pytest.raises(ValidationError, match="not a relation type"):
        create(alice, claims["c1"], claims["article"], label(corpus, LabelKind.STANCE, "support"))


def test_it_refuses_a_retired_relation_type(claims, alice, corpus):
    value = support(corpus)
    value.retired = True
    value.save()
    with pytest.raises(ValidationError, match="retired"):
        create(alice, claims["c1"], claims["article"], value)


def test_it_refuses_a_relation_on_a_done_thread(claims, alice):
    assignment = alice.assignments.get()
    assignment_set_status(assignment=assignment, status=AssignmentStatus.DONE)
    with pytest.raises(ValidationError, match="marked done"):
        create(alice, claims["c1"], claims["article"])


def test_it_refuses_a_relation_to_a_deleted_claim(claims, alice):
    gone = claims["article"]
    gone_pk = gone.pk
    claim_delete(claim=gone, actor=alice)
    gone.pk = gone_pk
    with pytest.raises(ValidationError, match=f"#{gone_pk} no longer exists"):
        create(alice, claims["c1"], gone)


def test_it_records_a_relation_in_the_history(claims, alice):
    relation = create(alice, claims["c1"], claims["article"])
    event = AnnotationEvent.objects.get(object_type="relation", object_id=relation.pk)
    assert (event.action, event.actor_id, event.before) == ("create", alice.pk, None)
    assert event.after["type"] == "support"
    assert event.after["from_claim_id"] == claims["c1"].pk


def test_it_removes_a_relation_and_records_it(claims, alice):
    relation = create(alice, claims["c1"], claims["article"])
    relation_delete(annotator=alice, relation_id=relation.pk)
    assert not Relation.objects.exists()
    event = AnnotationEvent.objects.get(object_type="relation", action="delete")
    assert event.before["to_claim_id"] == claims["article"].pk


def test_it_refuses_to_remove_someone_elses_relation(claims, alice, bob):
    relation = create(alice, claims["c1"], claims["article"])
    with pytest.raises(PermissionDenied):
        relation_delete(annotator=bob, relation_id=relation.pk)


def test_it_says_when_a_relation_was_removed_already(claims, alice):
    relation = create(alice, claims["c1"], claims["article"])
    relation_delete(annotator=alice, relation_id=relation.pk)
    with pytest.raises(ValidationError, match="no longer exists"):
        relation_delete(annotator=alice, relation_id=relation.pk)


def test_deleting_a_claim_removes_its_relations_both_ways(claims, alice):
    create(alice, claims["c3"], claims["c1"])
    create(alice, claims["c1"], claims["article"])
    claim_delete(claim=claims["c1"], actor=alice)
    assert not Relation.objects.exists()
    assert AnnotationEvent.objects.filter(object_type="relation", action="delete").count() == 2


def test_deleting_a_claim_lists_its_relations_in_its_event(claims, alice):
    relation = create(alice, claims["c3"], claims["c1"])
    pk = claims["c1"].pk
    claim_delete(claim=claims["c1"], actor=alice)
    event = AnnotationEvent.objects.get(object_type="claim", object_id=pk, action="delete")
    assert [r["id"] for r in event.before["relations"]] == [relation.pk]


def test_restoring_a_claim_brings_its_relations_back(claims, alice, thread):
    up = create(alice, claims["c3"], claims["c1"])
    down = create(alice, claims["c1"], claims["article"])
    pk = claims["c1"].pk
    claim_delete(claim=claims["c1"], actor=alice)
    claim_restore(actor=alice, article=thread["article"], claim_id=pk)
    assert set(Relation.objects.values_list("pk", flat=True)) == {up.pk, down.pk}


def test_restoring_a_claim_leaves_out_a_relation_whose_other_claim_is_gone(claims, alice, thread):
    create(alice, claims["c3"], claims["c1"])
    kept = create(alice, claims["c1"], claims["article"])
    pk = claims["c1"].pk
    claim_delete(claim=claims["c1"], actor=alice)
    claim_delete(claim=claims["c3"], actor=alice)
    claim_restore(actor=alice, article=thread["article"], claim_id=pk)
    assert list(Relation.objects.values_list("pk", flat=True)) == [kept.pk]


def test_restoring_a_claim_keeps_its_attributes(thread, alice):
    claim = ClaimFactory(annotator=alice, article=thread["article"], attributes={"Negated": "yes"})
    pk = claim.pk
    claim_delete(claim=claim, actor=alice)
    restored = claim_restore(actor=alice, article=thread["article"], claim_id=pk)
    restored.refresh_from_db()
    assert restored.attributes == {"Negated": "yes"}


def test_it_refuses_to_delete_a_relation_type_in_use(claims, alice, corpus):
    create(alice, claims["c1"], claims["article"])
    with pytest.raises(ValidationError, match="used by existing labels"):
        label_value_delete(value=support(corpus))


def test_it_refuses_a_relation_to_a_gold_claim(claims, alice):
    gold = ClaimFactory(annotator=alice, article=claims["c1"].article, is_gold=True)
    with pytest.raises(ValidationError, match="your own claims"):
        create(alice, claims["c1"], gold)


def test_it_counts_restored_relations_only_within_the_undo_window(claims, alice, thread):
    RelationFactory(from_claim=claims["c1"], to_claim=claims["article"])
    pk = claims["c1"].pk
    claim_delete(claim=claims["c1"], actor=alice)
    AnnotationEvent.objects.filter(object_type="claim", object_id=pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    with pytest.raises(ValidationError, match="more than 2 minutes ago"):
        claim_restore(actor=alice, article=thread["article"], claim_id=pk)
    assert not Relation.objects.exists()
