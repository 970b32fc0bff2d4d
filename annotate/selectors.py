"""Reads of the annotation side: each in a fixed number of queries, whatever the data size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.http import Http404

from annotate.access import AnyUser, articles_visible_to, get_thread_for_annotator, is_admin
from annotate.models import (
    Assignment,
    AssignmentStatus,
    Claim,
    CorpusGrant,
    GrantRole,
    LabelKind,
    LabelValue,
    ReplyLabel,
)
from threads.models import Article, Comment, Corpus
from threads.selectors import thread_get

# --- API reads (annotate/api/views.py) -------------------------------------------------------------


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

    On PostgreSQL the grants are read here (a small query) rather than left as a
    subquery: with the corpora as literal ids, and no OR for a user who
    annotates nothing (one ``exists`` query), it estimates a page well and
    reads it serially in id order (with subqueries it planned parallel
    workers: 25 ms, not 1).
    """
    if is_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    grants = CorpusGrant.objects.filter(
        user=user, role__in=(GrantRole.REVIEWER, GrantRole.RESEARCHER)
    ).values_list("corpus_id", flat=True)
    if connection.vendor == "sqlite":
        # SQLite has no statistics: it would read the corpus's claims through
        # the article index and sort them all (a million: half a second) to
        # return a page. ``+article_id`` keeps it reading in id order.
        articles = Article.objects.filter(corpus_id__in=grants).order_by().values("id")
        article_id = Func(F("article_id"), template="+%(expressions)s", output_field=IntegerField())
        visible = Q(In(article_id, articles))
    else:
        granted = list(grants.distinct())
        visible = Q(article__corpus_id__in=granted) if granted else Q(pk__in=[])
    assigned = Assignment.objects.filter(annotator=user)
    if assigned.exists():
        visible |= Q(annotator=user, article_id__in=assigned.values("article_id"))
    return visible


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


def api_claim_list(*, user: AnyUser) -> QuerySet:
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
            "is_gold",
            "created_at",
            "updated_at",
            comment_external_id=F("comment__external_id"),
            annotator_username=F("annotator__username"),
        )
        .order_by("id")
    )


def api_reply_label_list(*, user: AnyUser) -> QuerySet:
    """Reply labels ``user`` may read, as rows of plain values (see :func:`api_claim_list`)."""
    return (
        ReplyLabel.objects.filter(api_labels_visible_q(user))
        .values(
            "id",
            "article_id",
            "comment_id",
            "label_id",
            "is_gold",
            "created_at",
            "updated_at",
            comment_external_id=F("comment__external_id"),
            annotator_username=F("annotator__username"),
        )
        .order_by("id")
    )


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


# --- Annotator workspace (annotate/views.py) ---------------------------------------------------
#
# The workspace is read as a handful of flat queries (assignment, article, comments, the
# annotator's claims and reply labels, the label schema) and put together in Python: label values
# are attached to claims from the schema already in hand, so templates never query per comment or
# per claim.

ARTICLE_KEY = "a"  # the text key of the article body; a comment's key is its id


@dataclass
class Schema:
    """A corpus's label values, by id and by kind (current values only in the kind lists)."""

    values: list[LabelValue]
    by_id: dict[int, LabelValue] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {v.pk: v for v in self.values}

    def current(self, kind: str) -> list[LabelValue]:
        return [v for v in self.values if v.kind == kind and not v.retired]

    @property
    def claim_types(self) -> list[LabelValue]:
        return self.current(LabelKind.CLAIM_TYPE)

    @property
    def stances(self) -> list[LabelValue]:
        return [v for v in self.values if v.kind == LabelKind.STANCE]

    @property
    def targets(self) -> list[LabelValue]:
        return self.current(LabelKind.STANCE_TARGET)

    @property
    def reply_labels(self) -> list[LabelValue]:
        return self.current(LabelKind.REPLY_LABEL)


def schema_get(*, corpus_id: int) -> Schema:
    """Every label value of the corpus, retired ones included (old labels still show): one query."""
    return Schema(
        list(LabelValue.objects.filter(corpus_id=corpus_id).order_by("kind", "order", "id"))
    )


@dataclass
class Segment:
    """A run of text between two claim boundaries, and the claims it lies in."""

    text: str
    claims: list[Claim]

    @property
    def top(self) -> Claim | None:
        """The claim drawn on top: the innermost (shortest), then the most recent."""
        if not self.claims:
            return None
        return min(self.claims, key=lambda c: (c.end - c.start, -c.pk))

    @property
    def ids(self) -> str:
        return " ".join(str(c.pk) for c in self.claims)


def text_segments(text: str, claims: Iterable[Claim]) -> list[Segment]:
    """Split ``text`` at every claim boundary so that overlapping claims stay readable."""
    claims = list(claims)
    if not claims:
        return [Segment(text, [])]
    bounds = sorted({0, len(text), *(c.start for c in claims), *(c.end for c in claims)})
    bounds = [b for b in bounds if 0 <= b <= len(text)]
    segments = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        inside = [c for c in claims if c.start <= a and c.end >= b]
        segments.append(Segment(text[a:b], inside))
    return segments


@dataclass
class TextView:
    """One text of the thread (the article body or a comment) with the annotator's claims."""

    key: str
    comment: Comment | None
    text: str
    claims: list[Claim]

    @property
    def segments(self) -> list[Segment]:
        return text_segments(self.text, self.claims)


@dataclass
class CommentItem:
    comment: Comment
    text: TextView
    reply_label: ReplyLabel | None
    descendants: int = 0
    closes: int = 0  # how many open comment boxes end after this one

    @property
    def close_range(self) -> range:
        return range(self.closes)


@dataclass
class Workspace:
    assignment: Assignment
    article: Article
    schema: Schema
    article_text: TextView
    items: list[CommentItem]
    claims: list[Claim]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def labelled(self) -> int:
        return sum(1 for item in self.items if item.text.claims or item.reply_label)


def _attach_labels(claims: Iterable[Claim], schema: Schema, by_id: dict[int, Claim]) -> None:
    """Fill the claims' label relations from values in hand, so reading them costs no query."""
    for claim in claims:
        claim.claim_type = schema.by_id[claim.claim_type_id]
        claim.stance = schema.by_id[claim.stance_id]
        claim.stance_target = (
            schema.by_id[claim.stance_target_id] if claim.stance_target_id else None
        )
        if claim.target_claim_id is not None and claim.target_claim_id in by_id:
            claim.target_claim = by_id[claim.target_claim_id]


def _own_claims(*, annotator: AbstractBaseUser, article_id: int) -> QuerySet[Claim]:
    return Claim.objects.filter(article_id=article_id, annotator_id=annotator.pk, is_gold=False)


def _own_reply_labels(*, annotator: AbstractBaseUser, article_id: int) -> QuerySet[ReplyLabel]:
    return ReplyLabel.objects.filter(
        article_id=article_id, annotator_id=annotator.pk, is_gold=False
    )


def workspace_get(*, annotator: AbstractBaseUser, article_id: int) -> Workspace:
    """The thread as ``annotator`` labels it: six queries whatever its size, or 404 when the
    thread is not assigned to them. Only their own claims and reply labels are read."""
    assignment = get_thread_for_annotator(annotator, article_id)  # type: ignore[arg-type]
    thread = thread_get(article_id=article_id)
    article = thread.article
    assignment.article = article
    schema = schema_get(corpus_id=article.corpus_id)
    claims = list(_own_claims(annotator=annotator, article_id=article_id))
    by_id = {c.pk: c for c in claims}
    _attach_labels(claims, schema, by_id)
    labels = list(_own_reply_labels(annotator=annotator, article_id=article_id))
    for reply_label in labels:
        reply_label.label = schema.by_id[reply_label.label_id]
    label_by_comment = {r.comment_id: r for r in labels}
    by_text: dict[int | None, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_text[claim.comment_id].append(claim)

    comments = thread.comments
    items = [
        CommentItem(
            comment=c,
            text=TextView(str(c.pk), c, c.text, by_text.get(c.pk, [])),
            reply_label=label_by_comment.get(c.pk),
        )
        for c in comments
    ]
    # Display order is a pre-order walk, so a comment's descendants are the run after it of
    # deeper comments, and the boxes to close after it are the levels the next one climbs.
    open_items: list[CommentItem] = []
    for i, item in enumerate(items):
        depth = item.comment.depth
        while open_items and open_items[-1].comment.depth >= depth:
            open_items.pop()
        for ancestor in open_items:
            ancestor.descendants += 1
        open_items.append(item)
        next_depth = items[i + 1].comment.depth if i + 1 < len(items) else 0
        item.closes = depth - next_depth + 1 if next_depth <= depth else 0
    return Workspace(
        assignment=assignment,
        article=article,
        schema=schema,
        article_text=TextView(ARTICLE_KEY, None, article.body, by_text.get(None, [])),
        items=items,
        claims=claims,
    )


# The save path: what a claim save reads and what its fragment shows, each in one query that
# loads only the columns used (``only``), so that no JSON or timestamps are decoded for nothing.

# A claim in the fragment: targets show as "#<id>", so the target claims themselves are not read.
_TEXT_CLAIM_FIELDS = (
    "annotator",
    "article",
    "comment",
    "start",
    "end",
    "quote",
    "claim_type",
    "stance",
    "stance_target",
    "target_claim",
    "note",
)
# The article as a save checks it (its corpus, its body for the span) and the fragment shows it.
_SAVE_ARTICLE_FIELDS = ("article__corpus", "article__title", "article__body")
# A comment as a save checks it (its text, its place in the tree) and the fragment shows it.
_COMMENT_FIELDS = ("article", "parent", "external_id", "author", "text", "depth", "position")


def workspace_text(
    *, annotator: AbstractBaseUser, article: Article, comment: Comment | None, schema: Schema
) -> TextView:
    """One text with the annotator's claims on it, for the fragment a save returns: one query."""
    claims = _own_claims(annotator=annotator, article_id=article.pk).only(*_TEXT_CLAIM_FIELDS)
    if comment is None:
        claims = claims.filter(comment__isnull=True)
    else:
        claims = claims.filter(comment_id=comment.pk)
    text_claims = list(claims)
    _attach_labels(text_claims, schema, {})
    key = ARTICLE_KEY if comment is None else str(comment.pk)
    return TextView(key, comment, article.body if comment is None else comment.text, text_claims)


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
        .only(*_COMMENT_FIELDS, *_SAVE_ARTICLE_FIELDS)
        .annotate(
            assignment_pk=F("article__assignments__pk"),
            assignment_status=F("article__assignments__status"),
        )
        .first()
    )
    if comment is None:
        return None
    assignment = Assignment(
        pk=comment.assignment_pk,  # type: ignore[attr-defined]
        annotator_id=annotator.pk,
        article=comment.article,
        status=comment.assignment_status,  # type: ignore[attr-defined]
    )
    return assignment, comment


def thread_comment_get(*, article: Article, comment_id: int) -> Comment | None:
    """One comment of the article (its text, place in the tree and author), or None: one query."""
    comment = (
        Comment.objects.filter(pk=comment_id, article_id=article.pk).only(*_COMMENT_FIELDS).first()
    )
    if comment is not None:
        comment.article = article
    return comment


def claim_target_choices(
    *, annotator: AbstractBaseUser, article: Article, comment: Comment | None
) -> list[Claim]:
    """The annotator's claims a new claim in ``comment`` may target: those in its ancestor texts
    (the article body and the comments up its reply chain), in display order. Two queries."""
    if comment is None:
        return []
    parents = dict(Comment.objects.filter(article=article).values_list("pk", "parent_id"))
    ancestors: list[int] = []
    parent_id = parents.get(comment.pk)
    while parent_id is not None:
        ancestors.append(parent_id)
        parent_id = parents.get(parent_id)
    claims = list(
        _own_claims(annotator=annotator, article_id=article.pk)
        .filter(Q(comment__isnull=True) | Q(comment_id__in=ancestors))
        .select_related("comment")
    )
    # Article first, then from the top of the chain down to the direct parent.
    claims.sort(key=lambda c: (c.comment.depth if c.comment else -1, c.start, c.pk))
    return claims


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
