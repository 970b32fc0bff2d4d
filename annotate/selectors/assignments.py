"""An annotator's assignments: the dashboard list, the next thread, progress, and the reads a save
makes (the assignment, the comment and its article, in one query)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from annotate.models import (
    Assignment,
    AssignmentStatus,
    Claim,
    ReplyLabel,
)
from threads.models import Comment

# The article as a save checks it (its corpus, its body for the span) and the fragment shows it.
_SAVE_ARTICLE_FIELDS = ("article__corpus", "article__title", "article__body")


# A comment as a save checks it (its text, its place in the tree) and the fragment shows it.
COMMENT_FIELDS = ("article", "parent", "external_id", "author", "text", "depth", "position")


def assignment_get_for_save(*, annotator: AbstractBaseUser, article_id: int) -> Assignment:
    """The annotator's assignment to the article, or 404: the check of
    :func:`annotate.access.get_thread_for_annotator`, in one query that reads only what a save
    and its fragment use (the article's id, corpus, title and body; not the corpus)."""
    assignment = (
        Assignment.objects.filter(annotator_id=annotator.pk, article_id=article_id)
        .select_related("article")
        .only("annotator", "article", "status", *_SAVE_ARTICLE_FIELDS)
        .first()
    )
    if assignment is None:
        raise Http404("No such thread among your assignments.")
    return assignment


def assignment_comment_get_for_save(
    *, annotator: AbstractBaseUser, article_id: int, comment_id: int
) -> tuple[Assignment, Comment] | None:
    """What :func:`assignment_get_for_save` reads, and the comment ``comment_id`` of the article,
    in one query; None when the thread is not assigned to the annotator or the comment is not in
    it (the caller then tells which with the queries it would have made anyway).

    The comment comes with its article; the assignment (one per annotator and article, the join
    that checks access) comes as two annotated columns, from which the assignment is built: a
    save reads its id and status and may move it from to-do to in progress (an ``update``).
    """
    comment = (
        Comment.objects.filter(
            pk=comment_id, article_id=article_id, article__assignments__annotator_id=annotator.pk
        )
        .select_related("article")
        .only(*COMMENT_FIELDS, *_SAVE_ARTICLE_FIELDS)
        .annotate(
            assignment_pk=F("article__assignments__pk"),
            assignment_status=F("article__assignments__status"),
        )
        .first()
    )
    if comment is None:
        return None
    assignment = Assignment(
        pk=comment.assignment_pk,
        annotator_id=annotator.pk,
        article=comment.article,
        status=comment.assignment_status,
    )
    return assignment, comment


def _labelled_comments(*, annotator_id: int) -> Q:
    """A comment carries at least one label by the annotator (a claim or a reply label)."""
    return Q(
        Exists(
            Claim.objects.filter(comment=OuterRef("pk"), annotator_id=annotator_id, is_gold=False)
        )
    ) | Q(
        Exists(
            ReplyLabel.objects.filter(
                comment=OuterRef("pk"), annotator_id=annotator_id, is_gold=False
            )
        )
    )


def assignment_progress(*, assignment: Assignment) -> tuple[int, int]:
    """(comments with at least one label by the annotator, all comments): one query.

    The annotator's labelled comment ids come from the article/annotator indexes and are
    matched as a set (``IN``), rather than probing both label tables for every comment.
    """
    own = {"article_id": assignment.article_id, "annotator_id": assignment.annotator_id}
    claimed = Claim.objects.filter(**own, is_gold=False).values("comment_id")
    labelled = ReplyLabel.objects.filter(**own, is_gold=False).values("comment_id")
    counts = Comment.objects.filter(article_id=assignment.article_id).aggregate(
        total=Count("pk"),
        labelled=Count("pk", filter=Q(pk__in=claimed) | Q(pk__in=labelled)),
    )
    return counts["labelled"], counts["total"]


def assignment_list(*, annotator: AbstractBaseUser) -> QuerySet[Assignment]:
    """The annotator's assignments with ``total`` and ``labelled`` comment counts: one query.

    In progress first, then to do, then done; within each, in the order they were assigned.
    """
    per_article = Comment.objects.filter(article_id=OuterRef("article_id")).order_by()
    total = per_article.values("article_id").annotate(n=Count("pk")).values("n")
    labelled = (
        per_article.filter(_labelled_comments(annotator_id=annotator.pk))
        .values("article_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Assignment.objects.filter(annotator_id=annotator.pk)
        .select_related("article", "article__corpus")
        .annotate(
            total=Coalesce(Subquery(total, output_field=IntegerField()), 0),
            labelled=Coalesce(Subquery(labelled, output_field=IntegerField()), 0),
            status_rank=Case(
                When(status=AssignmentStatus.IN_PROGRESS, then=Value(0)),
                When(status=AssignmentStatus.TODO, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("status_rank", "created_at", "id")
    )


def assignment_next(*, annotator: AbstractBaseUser) -> Assignment | None:
    """The thread to open next: the first one in progress, else the first to do."""
    return (
        Assignment.objects.filter(annotator_id=annotator.pk)
        .exclude(status=AssignmentStatus.DONE)
        .annotate(
            status_rank=Case(
                When(status=AssignmentStatus.IN_PROGRESS, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("status_rank", "created_at", "id")
        .first()
    )
