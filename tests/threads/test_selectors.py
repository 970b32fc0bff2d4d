from __future__ import annotations

import pytest

from tests.factories import ArticleFactory, CommentFactory
from threads.models import Article, Comment
from threads.selectors import article_list, thread_get


def build_thread(article: Article, n: int) -> None:
    """n comments in chains of five: c0, its reply, the reply's reply..., then a new top-level."""
    comments = []
    for i in range(n):
        depth = i % 5
        comments.append(
            Comment(
                article=article,
                external_id=f"c{i}",
                text=f"comment {i}",
                depth=depth,
                position=i,
            )
        )
    # Insert level by level so each parent exists before its replies.
    for depth in range(5):
        level = [c for c in comments if c.depth == depth]
        for c in level:
            if depth:
                c.parent = comments[comments.index(c) - 1]
        Comment.objects.bulk_create(level)


def test_it_returns_the_comments_in_display_order(thread):
    result = thread_get(article_id=thread["article"].pk)
    assert [c.external_id for c in result.comments] == ["c1", "c2", "c3", "c4"]
    assert [c.depth for c in result.comments] == [0, 1, 2, 0]


def test_it_builds_the_reply_tree(thread):
    roots = thread_get(article_id=thread["article"].pk).tree
    assert [r.comment.external_id for r in roots] == ["c1", "c4"]
    assert roots[0].children[0].children[0].comment.external_id == "c3"


@pytest.mark.parametrize("size", [10, 2000])
def test_it_reads_a_thread_in_two_queries_whatever_its_size(
    article, size, django_assert_max_num_queries
):
    build_thread(article, size)
    with django_assert_max_num_queries(2):
        result = thread_get(article_id=article.pk)
        assert len(result.comments) == size
        assert result.comments[-1].article.corpus.slug == article.corpus.slug
        assert len(result.tree) == size // 5


def test_it_raises_for_a_missing_article(db):
    with pytest.raises(Article.DoesNotExist):
        thread_get(article_id=123456)


def test_it_counts_comments_per_article_in_one_query(article, django_assert_max_num_queries):
    CommentFactory(article=article)
    ArticleFactory(corpus=article.corpus)
    with django_assert_max_num_queries(1):
        counts = {a.pk: a.comment_count for a in article_list(corpus=article.corpus)}
    assert counts[article.pk] == 1
