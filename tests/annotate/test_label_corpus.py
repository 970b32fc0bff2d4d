"""Claims and reply labels carry their article's corpus, and the database keeps it so
(annotate migration 0004): whatever code writes a row, it cannot name another corpus."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from annotate.models import Claim, ReplyLabel
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    CorpusFactory,
    ReplyLabelFactory,
)

pytestmark = pytest.mark.django_db


def test_it_refuses_a_claim_filed_under_another_corpus(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(article=article, corpus=CorpusFactory())


def test_it_refuses_a_reply_label_filed_under_another_corpus(article):
    comment = CommentFactory(article=article)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReplyLabelFactory(comment=comment, corpus=CorpusFactory())


def test_it_refuses_changing_a_claims_corpus(article):
    claim = ClaimFactory(article=article)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(corpus=CorpusFactory())


def test_it_refuses_changing_a_reply_labels_corpus(article):
    reply_label = ReplyLabelFactory(comment=CommentFactory(article=article))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReplyLabel.objects.filter(pk=reply_label.pk).update(corpus=CorpusFactory())


def test_it_refuses_moving_a_thread_with_claims_to_another_corpus(article):
    ClaimFactory(article=article)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(article).objects.filter(pk=article.pk).update(corpus=CorpusFactory())


def test_it_refuses_moving_a_thread_with_reply_labels_to_another_corpus(article):
    ReplyLabelFactory(comment=CommentFactory(article=article))
    with pytest.raises(IntegrityError), transaction.atomic():
        type(article).objects.filter(pk=article.pk).update(corpus=CorpusFactory())


def test_it_lets_an_unlabelled_thread_move_to_another_corpus(article):
    other = CorpusFactory()
    ClaimFactory(article=ArticleFactory(corpus=article.corpus))  # a sibling's labels do not count

    type(article).objects.filter(pk=article.pk).update(corpus=other)

    article.refresh_from_db()
    assert article.corpus == other


def test_it_lets_a_labelled_thread_be_edited_in_place(article):
    ClaimFactory(article=article)
    type(article).objects.filter(pk=article.pk).update(title="Retitled")
    article.refresh_from_db()
    assert article.title == "Retitled"


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor refuses an open transaction
def test_the_migration_files_existing_labels_under_their_articles_corpus():
    first, second = ArticleFactory(), ArticleFactory()
    claims = [ClaimFactory(article=first), ClaimFactory(article=second)]
    reply_label = ReplyLabelFactory(comment=CommentFactory(article=second))
    executor = MigrationExecutor(connection)
    executor.migrate([("annotate", "0003_review_roles_agreement")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert [c.corpus_id for c in Claim.objects.order_by("pk")] == [
        claims[0].article.corpus_id,
        claims[1].article.corpus_id,
    ]
    assert ReplyLabel.objects.get(pk=reply_label.pk).corpus_id == second.corpus_id
