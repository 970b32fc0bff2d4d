"""The invariants the database holds on claims, relations and reply labels, whatever code writes
to them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from annotate.models import Claim, Relation
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    RelationFactory,
    ReplyLabelFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_it_refuses_a_claim_on_a_comment_of_another_article(article):
    other = CommentFactory(article=ArticleFactory(corpus=article.corpus))
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(article=article, comment=other)


def test_it_accepts_a_claim_on_a_comment_of_its_article(article):
    claim = ClaimFactory(article=article, comment=CommentFactory(article=article))
    assert claim.pk


def test_it_refuses_a_target_claim_of_another_annotator(article):
    target = ClaimFactory(article=article)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(
            article=article,
            annotator=UserFactory(),
            comment=CommentFactory(article=article),
            target_claim=target,
        )


def test_it_refuses_a_target_claim_in_another_article(article):
    target = ClaimFactory(article=ArticleFactory(corpus=article.corpus))
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(
            article=article,
            annotator=target.annotator,
            comment=CommentFactory(article=article),
            target_claim=target,
        )


def test_it_refuses_a_gold_claim_targeting_an_annotation(article):
    target = ClaimFactory(article=article)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(
            article=article,
            annotator=target.annotator,
            comment=CommentFactory(article=article),
            target_claim=target,
            is_gold=True,
        )


def test_it_accepts_a_target_claim_of_the_same_annotator_and_article(article):
    target = ClaimFactory(article=article)
    claim = ClaimFactory(
        article=article,
        annotator=target.annotator,
        comment=CommentFactory(article=article),
        target_claim=target,
    )
    assert claim.target_claim_id == target.pk


def test_it_refuses_moving_a_target_claim_to_another_annotator(article):
    target = ClaimFactory(article=article)
    ClaimFactory(
        article=article,
        annotator=target.annotator,
        comment=CommentFactory(article=article),
        target_claim=target,
    )
    # The check runs on the claim that points, so re-pointing it is what is refused.
    claim = target.attacked_by.get()
    claim.annotator = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        claim.save()


def test_it_refuses_a_reply_label_on_a_comment_of_another_article(article):
    other = CommentFactory(article=ArticleFactory(corpus=article.corpus))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReplyLabelFactory(comment=other, article=article)


def _label_of(corpus, kind: str, name: str):
    from tests.factories import label

    return label(corpus, kind, name)


def test_it_refuses_a_claim_whose_stance_is_a_claim_type(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(article=article, stance=_label_of(article.corpus, "claim_type", "claim"))


def test_it_refuses_a_claim_labelled_with_another_corpus_value(article):
    other = ArticleFactory().corpus
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(article=article, claim_type=_label_of(other, "claim_type", "claim"))


def test_it_refuses_a_stance_target_of_another_kind(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(article=article, stance_target=_label_of(article.corpus, "stance", "support"))


def test_it_refuses_a_reply_label_with_a_stance_value(article):
    comment = CommentFactory(article=article)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReplyLabelFactory(comment=comment, label=_label_of(article.corpus, "stance", "support"))


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_refuses_deleting_a_label_value_in_use(article):
    claim = ClaimFactory(article=article)
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw("DELETE FROM annotate_labelvalue WHERE id = %s", [claim.stance_id])
        connection.check_constraints()  # SQLite checks its foreign keys at commit


def test_it_refuses_moving_a_label_value_in_use_to_another_kind(article):
    comment = CommentFactory(article=article)
    reply = ReplyLabelFactory(comment=comment)
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw("UPDATE annotate_labelvalue SET kind = 'stance' WHERE id = %s", [reply.label_id])


def test_it_lets_a_label_value_in_use_be_renamed_and_retired(article):
    claim = ClaimFactory(article=article)
    _raw(
        "UPDATE annotate_labelvalue SET name = 'backs', retired = %s WHERE id = %s",
        [True, claim.stance_id],
    )
    claim.stance.refresh_from_db()
    assert (claim.stance.name, claim.stance.retired) == ("backs", True)


def test_it_lets_an_unused_label_value_be_deleted(article):
    value = _label_of(article.corpus, "stance", "neutral")
    _raw("DELETE FROM annotate_labelvalue WHERE id = %s", [value.pk])
    assert not type(value).objects.filter(pk=value.pk).exists()


def test_deleting_an_unlabelled_corpus_takes_its_schema_with_it(article):
    CommentFactory(article=article)
    ClaimFactory(article=ArticleFactory())  # another corpus's labels do not hold it back
    corpus = article.corpus

    corpus.delete()

    assert not type(corpus).objects.filter(pk=corpus.pk).exists()


# --- Relations and claim attributes -----------------------------------------------------------


def _claims(article, n=2, **kwargs):
    annotator = kwargs.pop("annotator", None) or UserFactory()
    return [ClaimFactory(article=article, annotator=annotator, **kwargs) for _ in range(n)]


def test_it_accepts_a_relation_between_two_claims_of_one_annotator(article):
    first, second = _claims(article)
    relation = RelationFactory(from_claim=first, to_claim=second)
    assert list(first.relations.all()) == [relation]


def test_it_refuses_a_relation_from_a_claim_to_itself(article):
    (claim,) = _claims(article, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationFactory(from_claim=claim, to_claim=claim)


def test_it_refuses_the_same_relation_twice(article):
    first, second = _claims(article)
    RelationFactory(from_claim=first, to_claim=second)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationFactory(from_claim=first, to_claim=second)


def test_it_accepts_two_relations_of_different_types_between_two_claims(article):
    first, second = _claims(article)
    RelationFactory(from_claim=first, to_claim=second)
    RelationFactory(
        from_claim=first, to_claim=second, type=_label_of(article.corpus, "relation", "attack")
    )
    assert first.relations.count() == 2


def test_it_refuses_a_relation_to_another_annotators_claim(article):
    (first,) = _claims(article, 1)
    (other,) = _claims(article, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationFactory(from_claim=first, to_claim=other)


def test_it_refuses_a_relation_whose_annotator_is_not_its_claims(article):
    first, second = _claims(article)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationFactory(from_claim=first, to_claim=second, annotator=UserFactory())


def test_it_refuses_a_relation_from_gold_to_an_annotators_claim(article):
    (gold,) = _claims(article, 1, is_gold=True)
    (own,) = _claims(article, 1, annotator=gold.annotator)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationFactory(from_claim=gold, to_claim=own)


def test_it_accepts_a_gold_relation_between_claims_two_reviewers_settled(article):
    (first,) = _claims(article, 1, is_gold=True)
    (second,) = _claims(article, 1, is_gold=True)
    relation = RelationFactory(from_claim=first, to_claim=second, annotator=UserFactory())
    assert relation.is_gold


def test_it_refuses_a_relation_to_a_claim_in_another_thread(article):
    (first,) = _claims(article, 1)
    other = ClaimFactory(article=ArticleFactory(corpus=article.corpus), annotator=first.annotator)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationFactory(from_claim=first, to_claim=other)


def test_it_refuses_a_relation_typed_with_a_stance(article):
    first, second = _claims(article)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationFactory(
            from_claim=first, to_claim=second, type=_label_of(article.corpus, "stance", "support")
        )


def test_it_refuses_a_relation_typed_with_another_corpus_value(article):
    first, second = _claims(article)
    other = ArticleFactory().corpus
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationFactory(
            from_claim=first, to_claim=second, type=_label_of(other, "relation", "support")
        )


def test_it_refuses_moving_a_related_claim_to_another_annotator(article):
    first, second = _claims(article)
    RelationFactory(from_claim=first, to_claim=second)
    # The relation's other end: the check runs on the claim changed, whichever end it is.
    second.annotator = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_it_lets_another_reviewer_settle_a_gold_claim_with_relations(article):
    first, second = _claims(article, is_gold=True)
    RelationFactory(from_claim=first, to_claim=second)
    second.annotator = UserFactory()
    second.save()
    assert second.related_from.count() == 1


def test_deleting_a_claim_takes_its_relations_with_it(article):
    first, second = _claims(article)
    RelationFactory(from_claim=first, to_claim=second)
    second.delete()
    assert not first.relations.exists()


def test_it_refuses_deleting_a_relation_type_in_use(article):
    relation = RelationFactory(from_claim=_claims(article, 1)[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw("DELETE FROM annotate_labelvalue WHERE id = %s", [relation.type_id])
        connection.check_constraints()  # SQLite checks its foreign keys at commit


def test_it_refuses_moving_a_relation_type_in_use_to_another_kind(article):
    relation = RelationFactory(from_claim=_claims(article, 1)[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw("UPDATE annotate_labelvalue SET kind = 'stance' WHERE id = %s", [relation.type_id])


def test_it_keeps_claim_attributes_as_names_to_strings(article):
    claim = ClaimFactory(article=article, attributes={"Confidence": "high", "Negated": "true"})
    claim.refresh_from_db()
    assert claim.attributes == {"Confidence": "high", "Negated": "true"}


@pytest.mark.parametrize("attributes", [{"Confidence": 3}, {"Negated": True}, ["high"], "high"])
def test_it_refuses_claim_attributes_that_are_not_names_to_strings(article, attributes):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(article=article, attributes=attributes)


def test_it_refuses_changing_claim_attributes_to_a_number(article):
    claim = ClaimFactory(article=article)
    claim.attributes = {"Confidence": 0.5}
    with pytest.raises(IntegrityError), transaction.atomic():
        claim.save()


def _bulk_relations(article, n, *, stranger=False):
    """``n`` relations in one INSERT (PostgreSQL checks 100 rows or more with a fresh plan),
    the last one to another annotator's claim with ``stranger``."""
    annotator = UserFactory()
    up = ClaimFactory(article=article, annotator=annotator)
    froms = Claim.objects.bulk_create(
        [
            Claim(
                annotator=annotator,
                article=article,
                corpus=article.corpus,
                start=up.start,
                end=up.end,
                quote=up.quote,
                claim_type=up.claim_type,
                stance=up.stance,
                stance_target=up.stance_target,
            )
            for _ in range(n)
        ]
    )
    to_claims = [up] * n
    if stranger:
        to_claims[-1] = ClaimFactory(article=article)
    support = _label_of(article.corpus, "relation", "support")
    return Relation.objects.bulk_create(
        Relation(from_claim=f, to_claim=t, type=support, article=article, annotator=annotator)
        for f, t in zip(froms, to_claims, strict=True)
    )


def test_it_accepts_a_bulk_insert_of_relations(article):
    assert len(_bulk_relations(article, 120)) == 120


def test_it_refuses_a_bulk_insert_with_one_wrong_relation(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        _bulk_relations(article, 120, stranger=True)


# --- Reply labels toward the parent or the root ---------------------------------------------


def test_it_keeps_one_label_of_an_annotator_toward_each_direction(article):
    comment = CommentFactory(article=article)
    alice = UserFactory(username="alice")
    ReplyLabelFactory(comment=comment, annotator=alice, toward="parent")
    ReplyLabelFactory(comment=comment, annotator=alice, toward="root")
    assert comment.reply_labels.count() == 2


def test_it_refuses_a_second_label_of_an_annotator_toward_one_direction(article):
    comment = CommentFactory(article=article)
    alice = UserFactory(username="alice")
    ReplyLabelFactory(comment=comment, annotator=alice, toward="root")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReplyLabelFactory(comment=comment, annotator=alice, toward="root")


def test_it_refuses_a_second_gold_label_toward_one_direction(article):
    comment = CommentFactory(article=article)
    ReplyLabelFactory(comment=comment, is_gold=True, toward="root")
    ReplyLabelFactory(comment=comment, is_gold=True, toward="parent")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReplyLabelFactory(comment=comment, is_gold=True, toward="root")


def test_it_refuses_a_reply_label_toward_anything_but_parent_or_root(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReplyLabelFactory(comment=CommentFactory(article=article), toward="thesis")


def test_it_labels_existing_reply_labels_toward_the_parent(article):
    assert ReplyLabelFactory(comment=CommentFactory(article=article)).toward == "parent"


def test_it_refuses_a_corpus_that_labels_no_direction(article):
    from annotate.models import ReplyLabelScope

    with pytest.raises(IntegrityError), transaction.atomic():
        ReplyLabelScope.objects.create(
            corpus=article.corpus, toward_parent=False, toward_root=False
        )
