"""Reads for the researcher API: what each user may read, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import (
    Count,
    F,
    IntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from annotate.access import AnyUser, api_corpora_for, api_labels_visible_q, articles_visible_to
from annotate.models import (
    Assignment,
    AssignmentStatus,
    Claim,
    LabelValue,
    Relation,
    ReplyLabel,
)
from annotate.selectors.schema import reply_directions_get
from threads.models import Article, Comment, Corpus


def api_corpus_list(*, user: AnyUser) -> QuerySet[Corpus]:
    """Visible corpora with their thread counts, one query."""
    threads = (
        Article.objects.filter(corpus=OuterRef("pk"))
        .order_by()
        .values("corpus")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        api_corpora_for(user)
        .annotate(thread_count=Coalesce(Subquery(threads, output_field=IntegerField()), Value(0)))
        .order_by("slug")
    )


def api_corpus_get(*, user: AnyUser, slug: str) -> Corpus | None:
    """The visible corpus with ``slug``, its label schema and its reply-label directions (two
    queries), or None."""
    corpus = api_corpus_list(user=user).filter(slug=slug).select_related("reply_scope").first()
    if corpus is not None:
        corpus.label_schema = list(LabelValue.objects.filter(corpus=corpus))  # type: ignore[attr-defined]
        corpus.reply_directions = reply_directions_get(corpus=corpus)  # type: ignore[attr-defined]
    return corpus


def _count(queryset: QuerySet[Model]) -> Coalesce:
    """A correlated COUNT over ``queryset`` (filtered on ``article=OuterRef("pk")``)."""
    sub = queryset.filter(article=OuterRef("pk")).order_by().values("article")
    sub = sub.annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def api_thread_list(*, user: AnyUser, corpus: Corpus) -> QuerySet[Article]:
    """The visible threads of ``corpus`` with their counts and progress, in one query.

    Counts are correlated subqueries, not joins, so they do not multiply each
    other; annotators count only their own labels.
    """
    labels = api_labels_visible_q(user)
    return (
        articles_visible_to(user)
        .filter(corpus=corpus)
        .annotate(
            comment_count=_count(Comment.objects.all()),
            claim_count=_count(Claim.objects.filter(labels)),
            reply_label_count=_count(ReplyLabel.objects.filter(labels)),
            assignments_total=_count(Assignment.objects.all()),
            assignments_done=_count(Assignment.objects.filter(status=AssignmentStatus.DONE)),
        )
        .order_by("id")
    )


def api_thread_queryset(*, user: AnyUser) -> QuerySet[Article]:
    """Threads ``user`` may read (for ``threads.selectors.thread_get``)."""
    return articles_visible_to(user)


def api_claim_list(*, user: AnyUser) -> QuerySet[Claim, Mapping[str, Any]]:
    """Claims ``user`` may read, as rows of plain values: one query a page.

    Rows rather than model instances, since a page of 100 claims would otherwise
    build 600 objects to read a field of each; label values as ids, named from
    :func:`api_label_names_by_id`, since three more joins cost PostgreSQL's
    planner more than the query itself takes.
    """
    return (
        Claim.objects.filter(api_labels_visible_q(user))
        .values(
            "id",
            "article_id",
            "comment_id",
            "start",
            "end",
            "quote",
            "claim_type_id",
            "stance_id",
            "stance_target_id",
            "target_claim_id",
            "note",
            "attributes",
            "is_gold",
            "created_at",
            "updated_at",
            comment_external_id=F("comment__external_id"),
            annotator_username=F("annotator__username"),
            source_username=F("source__username"),
        )
        .order_by("id")
    )


def api_reply_label_list(*, user: AnyUser) -> QuerySet[ReplyLabel, Mapping[str, Any]]:
    """Reply labels ``user`` may read, as rows of plain values (see :func:`api_claim_list`)."""
    return (
        ReplyLabel.objects.filter(api_labels_visible_q(user))
        .values(
            "id",
            "article_id",
            "comment_id",
            "label_id",
            "toward",
            "is_gold",
            "created_at",
            "updated_at",
            comment_external_id=F("comment__external_id"),
            annotator_username=F("annotator__username"),
            source_username=F("source__username"),
        )
        .order_by("id")
    )


def api_relation_list(*, user: AnyUser) -> QuerySet[Relation, Mapping[str, Any]]:
    """Relations ``user`` may read (as claims: see :func:`api_claim_list`), as rows of plain
    values: one query a page."""
    return (
        Relation.objects.filter(api_labels_visible_q(user, corpus="article__corpus_id"))
        .values(
            "id",
            "article_id",
            "from_claim_id",
            "to_claim_id",
            "type_id",
            "is_gold",
            "created_at",
            annotator_username=F("annotator__username"),
            source_username=F("source__username"),
        )
        .order_by("id")
    )


def api_relations_from(*, claim_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """The relations from each of the claims ``claim_ids`` (a page of the claims list, all of
    them readable, and so their relations) as (type id, other claim id): one query."""
    found: dict[int, list[tuple[int, int]]] = {}
    if not claim_ids:
        return found
    for from_id, type_id, to_id in (
        Relation.objects.filter(from_claim_id__in=claim_ids)
        .order_by("from_claim_id", "id")
        .values_list("from_claim_id", "type_id", "to_claim_id")
    ):
        found.setdefault(from_id, []).append((type_id, to_id))
    return found


def api_corpus_id(*, slug: str) -> int | None:
    """The id of the corpus ``slug`` (None if there is none), for the lists' ``corpus`` filter.

    Any corpus: what the user may read is the lists' own filter.
    """
    return Corpus.objects.filter(slug=slug).values_list("id", flat=True).first()


def api_label_names_by_id(*, user: AnyUser) -> dict[int, str]:
    """Name of every label value in the corpora ``user`` may read, by id: one query."""
    return dict(
        LabelValue.objects.filter(corpus__in=api_corpora_for(user)).values_list("id", "name")
    )


def api_label_values(*, user: AnyUser, kind: str) -> list[tuple[int, str]]:
    """(id, name) of the ``kind`` label values in the corpora ``user`` may read (to filter by)."""
    return list(
        LabelValue.objects.filter(kind=kind, corpus__in=api_corpora_for(user)).values_list(
            "id", "name"
        )
    )
