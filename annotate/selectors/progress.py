"""The lead's progress view of a corpus: threads × annotators, each annotator's totals, how much
is reviewed and labels per day. Every read is a grouped query over the corpus (or over one page
of threads), so the number of queries does not grow with the corpus.

A comment counts as labelled by an annotator when they have a claim in it or a reply label on it
(the article body is not a comment). Active time is the number of distinct clock hours (UTC) in
which the annotator created, changed or deleted a label of the corpus (``AnnotationEvent``);
labels per hour are their claims and reply labels over those hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncHour

from annotate.models import (
    AnnotationEvent,
    Assignment,
    AssignmentStatus,
    Claim,
    CorpusGrant,
    GrantRole,
    ReplyLabel,
    ReviewStatus,
    ThreadReview,
)
from threads.models import Article, Comment, Corpus

# The chart shows at most this many days, ending with the last day anyone labelled.
CHART_DAYS = 60


# Django's TruncDate and TruncHour call a Python function per row on SQLite: at 1,000 threads
# × 5 annotators (125,000 labels, 100,000 events; bench/progress.py) they took 0.5 s of the
# page's 0.96 s. SQLite's own date() and datetime() read the stored UTC text natively; on
# PostgreSQL Django's own SQL is native already. Both count in UTC, as the page says.
class UtcDate(TruncDate):
    def __init__(self, expression: str) -> None:
        super().__init__(expression, tzinfo=dt.UTC)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"date({sql})", params


class UtcHour(TruncHour):
    def __init__(self, expression: str) -> None:
        super().__init__(expression, tzinfo=dt.UTC)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"substr(datetime({sql}), 1, 13)", params


@dataclass
class Cell:
    """One annotator on one thread: their assignment's status (None: not assigned) and the
    comments they labelled."""

    status: str | None
    labelled: int

    @property
    def status_display(self) -> str:
        return AssignmentStatus(self.status).label if self.status else ""


@dataclass
class Row:
    article_id: int
    external_id: str
    title: str
    comments: int
    review_status: str
    cells: list[Cell]

    @property
    def review_display(self) -> str:
        return ReviewStatus(self.review_status).label


@dataclass
class AnnotatorTotals:
    user_id: int
    username: str
    assigned: int = 0
    done: int = 0
    claims: int = 0
    reply_labels: int = 0
    active_hours: int = 0
    last_active: dt.datetime | None = None

    @property
    def labels(self) -> int:
        return self.claims + self.reply_labels

    @property
    def labels_per_hour(self) -> float | None:
        return self.labels / self.active_hours if self.active_hours else None


@dataclass
class Day:
    day: dt.date
    claims: int
    reply_labels: int

    @property
    def labels(self) -> int:
        return self.claims + self.reply_labels


@dataclass
class Overview:
    """Everything of the progress page but the matrix rows."""

    annotators: list[AnnotatorTotals]
    threads: int
    review: dict[str, int] = field(default_factory=dict)  # status → threads
    days: list[Day] = field(default_factory=list)

    @property
    def reviewed(self) -> int:
        return self.review.get(ReviewStatus.REVIEWED, 0)


def corpus_list_with_counts(*, ids: set[int], every: bool = False) -> QuerySet[Corpus]:
    """The corpora ``ids`` (every corpus with ``every``), by title, each with ``thread_count``:
    one query."""
    corpora = Corpus.objects.all() if every else Corpus.objects.filter(pk__in=ids)
    return corpora.annotate(thread_count=Count("articles")).order_by("title", "pk")


def progress_annotators(*, corpus: Corpus) -> list[User]:
    """The matrix's columns: users with the annotator role on the corpus or an assignment in it,
    by username (one query)."""
    granted = CorpusGrant.objects.filter(corpus=corpus, role=GrantRole.ANNOTATOR).values("user_id")
    assigned = Assignment.objects.filter(article__corpus=corpus).values("annotator_id")
    users: QuerySet[User] = get_user_model().objects.filter(Q(pk__in=granted) | Q(pk__in=assigned))
    return list(users.only("pk", "username").order_by("username"))


def progress_threads(*, corpus: Corpus) -> QuerySet[Article]:
    """The matrix's rows, in external id order, each with ``comment_count`` and
    ``review_status`` (one query however many are read)."""
    comments = (
        Comment.objects.filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    review = ThreadReview.objects.filter(article_id=OuterRef("pk")).values("status")
    return (
        Article.objects.filter(corpus=corpus)
        .only("pk", "external_id", "title")
        .annotate(
            comment_count=Coalesce(Subquery(comments, output_field=IntegerField()), 0),
            review_status=Coalesce(Subquery(review), Value(ReviewStatus.UNREVIEWED.value)),
        )
        .order_by("external_id", "pk")
    )


def progress_rows(*, articles: Sequence[Article], annotators: Sequence[User]) -> list[Row]:
    """The matrix rows of ``articles`` (read by :func:`progress_threads`): three grouped queries,
    whatever the number of threads or annotators."""
    ids = [a.pk for a in articles]
    status = {
        (article_id, user_id): st
        for article_id, user_id, st in Assignment.objects.filter(article_id__in=ids).values_list(
            "article_id", "annotator_id", "status"
        )
    }
    labelled = _labelled_comments(article_ids=ids)
    rows = []
    for article in articles:
        cells = [
            Cell(
                status=status.get((article.pk, user.pk)),
                labelled=labelled.get((article.pk, user.pk), 0),
            )
            for user in annotators
        ]
        rows.append(
            Row(
                article_id=article.pk,
                external_id=article.external_id,
                title=article.title,
                comments=article.comment_count,  # type: ignore[attr-defined]
                review_status=article.review_status,  # type: ignore[attr-defined]
                cells=cells,
            )
        )
    return rows


def progress_rows_all(
    *, corpus: Corpus, annotators: Sequence[User], batch: int = 500
) -> Iterator[Row]:
    """Every matrix row of the corpus, ``batch`` threads at a time (for the CSV: memory stays
    flat, four queries a batch)."""
    threads = progress_threads(corpus=corpus)
    after: tuple[str, int] | None = None
    while True:
        page = threads
        if after is not None:
            page = page.filter(
                Q(external_id__gt=after[0]) | Q(external_id=after[0], pk__gt=after[1])
            )
        articles = list(page[:batch])
        if not articles:
            return
        yield from progress_rows(articles=articles, annotators=annotators)
        after = (articles[-1].external_id, articles[-1].pk)


def _labelled_comments(*, article_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    """(article, annotator) → comments with a claim or a reply label of theirs: two grouped
    queries. A comment with both is counted once: reply labels (one per annotator and comment)
    count only where the annotator has no claim in the comment."""
    counts: dict[tuple[int, int], int] = {}
    claimed = (
        Claim.objects.filter(article_id__in=article_ids, is_gold=False, comment__isnull=False)
        .order_by()
        .values_list("article_id", "annotator_id")
        .annotate(n=Count("comment_id", distinct=True))
    )
    for article_id, user_id, n in claimed:
        counts[(article_id, user_id)] = n
    same_comment_claim = Claim.objects.filter(
        comment_id=OuterRef("comment_id"),
        annotator_id=OuterRef("annotator_id"),
        article_id=OuterRef("article_id"),
        is_gold=False,
    )
    replies = (
        ReplyLabel.objects.filter(article_id__in=article_ids, is_gold=False)
        .exclude(Exists(same_comment_claim))
        .order_by()
        .values_list("article_id", "annotator_id")
        .annotate(n=Count("pk"))
    )
    for article_id, user_id, n in replies:
        counts[(article_id, user_id)] = counts.get((article_id, user_id), 0) + n
    return counts


def progress_overview(*, corpus: Corpus, annotators: Sequence[User]) -> Overview:
    """Each annotator's totals, the review counts and labels per day: six grouped queries."""
    totals = {u.pk: AnnotatorTotals(user_id=u.pk, username=u.get_username()) for u in annotators}
    in_corpus = Article.objects.filter(corpus=corpus).values("pk")

    for user_id, assigned, done in (
        Assignment.objects.filter(article__corpus=corpus, annotator_id__in=totals)
        .order_by()
        .values_list("annotator_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=AssignmentStatus.DONE)))
    ):
        totals[user_id].assigned, totals[user_id].done = assigned, done

    # Per annotator and day: the annotators' totals and the chart from the same rows.
    per_day: dict[dt.date, Day] = {}
    for model, attr in ((Claim, "claims"), (ReplyLabel, "reply_labels")):
        grouped = (
            model.objects.filter(article__corpus=corpus, is_gold=False)
            .order_by()
            .annotate(day=UtcDate("created_at"))
            .values_list("annotator_id", "day")
            .annotate(n=Count("pk"))
        )
        for user_id, day, n in grouped:
            if user_id in totals:
                setattr(totals[user_id], attr, getattr(totals[user_id], attr) + n)
            entry = per_day.setdefault(day, Day(day=day, claims=0, reply_labels=0))
            setattr(entry, attr, getattr(entry, attr) + n)

    for user_id, hours, last in (
        AnnotationEvent.objects.filter(article_id__in=in_corpus, actor_id__in=totals)
        .order_by()
        .values_list("actor_id")
        .annotate(hours=Count(UtcHour("created_at"), distinct=True), last=Max("created_at"))
    ):
        totals[user_id].active_hours, totals[user_id].last_active = hours, last

    review = dict(
        ThreadReview.objects.filter(article__corpus=corpus)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    threads = Article.objects.filter(corpus=corpus).count()
    review[ReviewStatus.UNREVIEWED] = threads - sum(
        n for st, n in review.items() if st != ReviewStatus.UNREVIEWED
    )
    return Overview(
        annotators=list(totals.values()),
        threads=threads,
        review=review,
        days=_chart_days(per_day),
    )


def _chart_days(per_day: dict[dt.date, Day]) -> list[Day]:
    """The last ``CHART_DAYS`` days up to the last day with labels, days without any included."""
    if not per_day:
        return []
    last = max(per_day)
    first = max(min(per_day), last - dt.timedelta(days=CHART_DAYS - 1))
    days = []
    day = first
    while day <= last:
        days.append(per_day.get(day, Day(day=day, claims=0, reply_labels=0)))
        day += dt.timedelta(days=1)
    return days
