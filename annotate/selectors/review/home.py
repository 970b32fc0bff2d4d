"""The reviewer's home list: the threads of the corpora they review, those needing a reviewer
first, with their disagreements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from annotate.access import corpora_for
from annotate.models import (
    Assignment,
    AssignmentStatus,
    Claim,
    GrantRole,
    ReplyLabel,
    ReviewStatus,
)
from annotate.selectors.review.disagreements import claim_disagreement_count, reply_disagrees
from threads.models import Article, Corpus

PAGE_SIZE = 50

# Which threads need a reviewer first: every assignment done and not reviewed, then those in
# review, then those still being annotated, reviewed last.
NEED_READY, NEED_IN_REVIEW, NEED_ANNOTATING, NEED_REVIEWED = 0, 1, 2, 3


@dataclass
class HomeRow:
    article: Article
    assigned: int
    done: int
    status: str
    need: int
    disagreements: int = 0

    @property
    def status_display(self) -> str:
        return ReviewStatus(self.status).label


@dataclass
class ReviewHome:
    corpora: list[Corpus]
    page: Page[Article]
    rows: list[HomeRow]


def _count(assignments: Any) -> Coalesce:
    """How many of ``assignments`` the outer article has, as a subquery (0 for none)."""
    per_article = (
        assignments.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_article, output_field=IntegerField()), 0)


def _review_queue(user: AbstractBaseUser) -> Any:
    """The threads of the corpora ``user`` reviews, in the order a reviewer should take them."""
    corpora = corpora_for(user, roles=(GrantRole.REVIEWER,))  # type: ignore[arg-type]
    return (
        Article.objects.filter(corpus__in=corpora)
        .select_related("corpus")
        .only("id", "title", "external_id", "corpus__slug", "corpus__title")
        # Counts as subqueries, not a GROUP BY: with server-side binding PostgreSQL cannot
        # tell that the grouped COALESCE(status, $1) is the selected COALESCE(status, $2).
        .annotate(
            assigned=_count(Assignment.objects.all()),
            done=_count(Assignment.objects.filter(status=AssignmentStatus.DONE)),
            review_status=Coalesce(F("review__status"), Value(ReviewStatus.UNREVIEWED)),
        )
        .annotate(
            need=Case(
                When(review_status=ReviewStatus.REVIEWED, then=Value(NEED_REVIEWED)),
                When(review_status=ReviewStatus.IN_REVIEW, then=Value(NEED_IN_REVIEW)),
                When(Q(assigned__gt=0, done=F("assigned")), then=Value(NEED_READY)),
                default=Value(NEED_ANNOTATING),
                output_field=IntegerField(),
            )
        )
        .order_by("need", "corpus__slug", "id")
    )


def review_home(*, user: AbstractBaseUser, page_number: Any = 1) -> ReviewHome:
    """The corpora ``user`` reviews and one page of their threads (50), those needing a reviewer
    first, with annotators done / assigned, disagreements and review status. Six queries: the
    corpora, the count, the page, and the page's assignments, claims and reply labels."""
    corpora = list(
        corpora_for(user, roles=(GrantRole.REVIEWER,)).order_by("slug")  # type: ignore[arg-type]
    )
    page = Paginator(_review_queue(user), PAGE_SIZE).get_page(page_number)
    articles = list(page.object_list)
    rows = [
        HomeRow(
            article=a,
            assigned=a.assigned,
            done=a.done,
            status=a.review_status,
            need=a.need,
        )
        for a in articles
    ]
    ids = [a.pk for a in articles]
    if ids:
        annotators: dict[int, set[int]] = defaultdict(set)
        for article_id, annotator_id in Assignment.objects.filter(article_id__in=ids).values_list(
            "article_id", "annotator_id"
        ):
            annotators[article_id].add(annotator_id)
        claims_by: dict[int, list[Claim]] = defaultdict(list)
        for claim in Claim.objects.filter(article_id__in=ids, is_gold=False).only(
            "article_id",
            "annotator_id",
            "comment_id",
            "start",
            "end",
            "claim_type_id",
            "stance_id",
            "stance_target_id",
            "target_claim_id",
        ):
            claims_by[claim.article_id].append(claim)
            annotators[claim.article_id].add(claim.annotator_id)
        # Per article, per (comment, direction): {annotator: label}.
        replies: dict[int, dict[tuple[int, str], dict[int, int]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        for article_id, comment_id, toward, annotator_id, label_id in ReplyLabel.objects.filter(
            article_id__in=ids, is_gold=False
        ).values_list("article_id", "comment_id", "toward", "annotator_id", "label_id"):
            replies[article_id][(comment_id, toward)][annotator_id] = label_id
            annotators[article_id].add(annotator_id)
        for row in rows:
            pk = row.article.pk
            claims = claims_by.get(pk, [])
            by_id = {c.pk: c for c in claims}
            who = annotators.get(pk, set())
            row.disagreements = claim_disagreement_count(claims, who, by_id) + sum(
                1 for labels in replies.get(pk, {}).values() if reply_disagrees(labels, who)
            )
    return ReviewHome(corpora=corpora, page=page, rows=rows)


def review_next(*, user: AbstractBaseUser) -> Article | None:
    """The first thread of the queue that is not reviewed yet, or None: one query."""
    article: Article | None = _review_queue(user).filter(need__lt=NEED_REVIEWED).first()
    return article
