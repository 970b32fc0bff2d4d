"""The invariants the database holds on its own, whatever code writes to it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tests.factories import ArticleFactory, CommentFactory
from threads.models import Comment


def make_comment(article, **fields) -> Comment:
    defaults = {"external_id": "x", "text": "t", "depth": 0, "position": 99}
    return Comment.objects.create(article=article, **(defaults | fields))


def test_it_refuses_a_parent_from_another_article(article):
    other = CommentFactory(article=ArticleFactory(corpus=article.corpus))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comment(article, parent=other, depth=1)


def test_it_refuses_a_reply_whose_depth_skips_a_level(article):
    parent = CommentFactory(article=article)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comment(article, parent=parent, depth=2)


def test_it_refuses_a_top_level_comment_with_depth(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comment(article, depth=1)


def test_it_refuses_a_reply_cycle(article):
    a = CommentFactory(article=article)
    b = CommentFactory(article=article, parent=a)
    a.parent = b
    a.depth = b.depth + 1
    with pytest.raises(IntegrityError), transaction.atomic():
        a.save()


def test_it_refuses_two_comments_at_one_position(article):
    CommentFactory(article=article, position=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comment(article, position=0)


def test_it_refuses_a_duplicate_external_id_in_one_article(article):
    CommentFactory(article=article, external_id="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comment(article, external_id="same")


def test_it_refuses_a_duplicate_article_external_id_in_one_corpus(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(corpus=article.corpus, external_id=article.external_id)


def test_it_allows_the_same_article_external_id_in_another_corpus(article):
    other = ArticleFactory(external_id=article.external_id)
    assert other.corpus_id != article.corpus_id


def test_it_gives_each_corpus_its_own_pseudonym_salt(corpus):
    other = ArticleFactory().corpus
    assert corpus.pseudonym_salt and corpus.pseudonym_salt != other.pseudonym_salt


def test_it_keeps_non_bmp_text_exactly(article):
    text = "Before 😀 and 𝕏\nafter, with a line break."
    comment = CommentFactory(article=article, text=text)
    comment.refresh_from_db()
    assert comment.text == text
    assert comment.text[7] == "😀"


def test_it_refuses_a_bad_reply_among_many_written_at_once(article):
    # PostgreSQL checks a statement of 100 rows or more with a plan of its own.
    parent = CommentFactory(article=article)
    rows = [
        Comment(article=article, parent=parent, external_id=f"r{n}", depth=1, position=100 + n)
        for n in range(150)
    ]
    rows[120].depth = 2  # skips a level
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.bulk_create(rows)


def test_it_accepts_many_good_replies_written_at_once(article):
    parent = CommentFactory(article=article)
    rows = [
        Comment(article=article, parent=parent, external_id=f"r{n}", depth=1, position=100 + n)
        for n in range(150)
    ]
    assert len(Comment.objects.bulk_create(rows)) == 150
