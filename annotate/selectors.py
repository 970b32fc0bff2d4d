"""Reads of the annotation side: each in a fixed number of queries, whatever the data size."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from annotate.access import AnyUser, articles_visible_to, is_admin
from annotate.models import (
    Assignment,
    AssignmentStatus,
    Claim,
    CorpusGrant,
    GrantRole,
    LabelValue,
    ReplyLabel,
)
from threads.models import Article, Comment, Corpus

# --- API reads (annotate/apis.py) -------------------------------------------------------------


def api_corpora_for(user: AnyUser) -> QuerySet[Corpus]:
    """Corpora ``user`` may read over the API.

    Admins: all. Reviewers and researchers: the corpora they are granted.
    Annotators: the corpora of the threads assigned to them.
    """
    if is_admin(user):
        return Corpus.objects.all()
    if not user.is_authenticated:
        return Corpus.objects.none()
    granted = CorpusGrant.objects.filter(user=user).values("corpus_id")
    assigned = Article.objects.filter(assignments__annotator=user).values("corpus_id")
    return Corpus.objects.filter(Q(pk__in=granted) | Q(pk__in=assigned))


def api_labels_visible_q(user: AnyUser) -> Q:
    """The claims or reply labels ``user`` may read, as a filter on either model.

    Admins read every label; reviewers and researchers every label (annotators'
    and gold) of the corpora they are granted; annotators only their own labels
    on the threads assigned to them.
    """
    if is_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    granted = CorpusGrant.objects.filter(
        user=user, role__in=(GrantRole.REVIEWER, GrantRole.RESEARCHER)
    ).values("corpus_id")
    assigned = Assignment.objects.filter(annotator=user).values("article_id")
    return Q(article__corpus_id__in=granted) | Q(annotator=user, article_id__in=assigned)


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
    """The visible corpus with ``slug`` and its label schema (two queries), or None."""
    corpus = api_corpus_list(user=user).filter(slug=slug).first()
    if corpus is not None:
        corpus.label_schema = list(LabelValue.objects.filter(corpus=corpus))  # type: ignore[attr-defined]
    return corpus


def _count(queryset: QuerySet) -> Coalesce:
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


def api_claim_list(*, user: AnyUser) -> QuerySet[Claim]:
    """Claims ``user`` may read, with everything their JSON shows loaded: one query a page."""
    return (
        Claim.objects.filter(api_labels_visible_q(user))
        .select_related("annotator", "comment", "claim_type", "stance", "stance_target")
        .only(
            "id",
            "article",
            "comment__id",
            "comment__external_id",
            "annotator__id",
            "annotator__username",
            "start",
            "end",
            "quote",
            "claim_type__id",
            "claim_type__name",
            "stance__id",
            "stance__name",
            "stance_target__id",
            "stance_target__name",
            "target_claim",
            "note",
            "is_gold",
            "created_at",
            "updated_at",
        )
        .order_by("id")
    )


def api_reply_label_list(*, user: AnyUser) -> QuerySet[ReplyLabel]:
    """Reply labels ``user`` may read, with what their JSON shows loaded: one query a page."""
    return (
        ReplyLabel.objects.filter(api_labels_visible_q(user))
        .select_related("annotator", "comment", "label")
        .only(
            "id",
            "article",
            "comment__id",
            "comment__external_id",
            "annotator__id",
            "annotator__username",
            "label__id",
            "label__name",
            "is_gold",
            "created_at",
            "updated_at",
        )
        .order_by("id")
    )


def api_label_names(*, user: AnyUser, kind: str) -> set[str]:
    """Names of ``kind`` label values in the corpora ``user`` may read (to check a filter value)."""
    return set(
        LabelValue.objects.filter(kind=kind, corpus__in=api_corpora_for(user)).values_list(
            "name", flat=True
        )
    )
