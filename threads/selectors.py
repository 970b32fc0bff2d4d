"""Reads of corpora and threads, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from threads.models import Article, Comment, Corpus


@dataclass
class CommentNode:
    """A comment with its replies, for rendering a thread as a tree."""

    comment: Comment
    children: list[CommentNode] = field(default_factory=list)


@dataclass
class Thread:
    article: Article
    comments: list[Comment]  # display order: parents before replies, siblings in order

    @property
    def tree(self) -> list[CommentNode]:
        """The top-level comments, each with its replies nested, built in Python."""
        nodes: dict[int, CommentNode] = {}
        roots: list[CommentNode] = []
        for comment in self.comments:
            node = CommentNode(comment)
            nodes[comment.pk] = node
            if comment.parent_id is None:
                roots.append(node)
            else:
                nodes[comment.parent_id].children.append(node)
        return roots


def thread_get(*, article_id: int, queryset: QuerySet[Article] | None = None) -> Thread:
    """Return the article and all its comments in display order: two queries, whatever the size.

    Raises ``Article.DoesNotExist`` when there is no such article in ``queryset``.
    """
    qs = queryset if queryset is not None else Article.objects.all()
    article = qs.select_related("corpus").get(pk=article_id)
    comments = list(Comment.objects.filter(article=article).order_by("position"))
    for comment in comments:
        comment.article = article  # spare a query per comment when templates follow it
    return Thread(article=article, comments=comments)


def corpus_list() -> QuerySet[Corpus]:
    return Corpus.objects.annotate(thread_count=Count("articles")).order_by("slug")


def article_list(*, corpus: Corpus | None = None) -> QuerySet[Article]:
    """Articles with their comment counts, one query."""
    qs = Article.objects.select_related("corpus").annotate(comment_count=Count("comments"))
    if corpus is not None:
        qs = qs.filter(corpus=corpus)
    return qs.order_by("corpus__slug", "id")


def thread_in_corpus(*, corpus: Corpus, article_id: int) -> bool:
    """Whether ``article_id`` is a thread of ``corpus``."""
    return Article.objects.filter(pk=article_id, corpus=corpus).exists()


def corpus_by_slug(slug: str) -> Corpus | None:
    """The corpus ``slug``, or None when there is none."""
    return Corpus.objects.filter(slug=slug).first()
