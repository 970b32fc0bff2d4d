"""The invariants the database holds on claims and reply labels, whatever code writes to them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

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
