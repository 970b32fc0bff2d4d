"""The invariants the database holds on claims and reply labels, whatever code writes to them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
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
