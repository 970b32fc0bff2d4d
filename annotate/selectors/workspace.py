"""The annotator's thread page, with the annotator's own labels, read as a handful of flat queries
(assignment and article, schema, comments, claims, reply labels, progress) and put together in
Python, so templates never query per comment or per claim.

A thread is read a page of comments at a time (``PAGE_SIZE``, by position in display order): the
first response holds the article and the first page, and the browser fetches the next page as the
annotator scrolls to it, so no response grows with the thread."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from annotate.access import get_thread_for_annotator
from annotate.models import (
    AnnotationEvent,
    Assignment,
    Claim,
    Relation,
    ReplyLabel,
)
from annotate.selectors.assignments import COMMENT_FIELDS, assignment_progress
from annotate.selectors.relations import RelationsByClaim, own_relations_from
from annotate.selectors.schema import Schema, schema_get
from threads.models import Article, Comment

ARTICLE_KEY = "a"  # the text key of the article body; a comment's key is its id


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
    """One text of the thread (the article body or a comment) with the annotator's claims and
    their relations ("supports #12"; keyed by the claim they start from, and possibly shared
    with the other texts of a page)."""

    key: str
    comment: Comment | None
    text: str
    claims: list[Claim]
    relations: RelationsByClaim = field(default_factory=dict)

    @property
    def segments(self) -> list[Segment]:
        return text_segments(self.text, self.claims)


@dataclass
class CommentItem:
    comment: Comment
    text: TextView
    reply_labels: dict[str, ReplyLabel]  # the annotator's, by direction ("parent", "root")
    descendants: int = 0
    closes: int = 0  # how many open comment boxes end after this one
    # Set on the first comment of a run whose parent's box is in an earlier page: the id of the
    # element the run goes into ("comments" for top-level comments, else "r-<parent id>").
    into: str | None = None

    @property
    def close_range(self) -> range:
        return range(self.closes)


# Comments per page: the first response holds the article and this many comments, and every
# further page as many, so neither grows with the thread (about 60 kB of HTML a page).
PAGE_SIZE = 100


@dataclass
class CommentPage:
    """A run of the thread's comments in display order, ``start`` to ``start + len(items)``."""

    items: list[CommentItem]
    start: int
    next_start: int | None  # where the next page starts; None after the last comment
    claims: list[Claim]
    relations: RelationsByClaim = field(default_factory=dict)


@dataclass
class Workspace:
    """The thread page: the article and its first page of comments, and the progress."""

    assignment: Assignment
    article: Article
    schema: Schema
    article_text: TextView
    page: CommentPage
    labelled: int
    total: int

    @property
    def items(self) -> list[CommentItem]:
        return self.page.items

    @property
    def claims(self) -> list[Claim]:
        return self.page.claims


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


def _comment_page(
    *,
    annotator: AbstractBaseUser,
    article: Article,
    schema: Schema,
    start: int,
    size: int,
    article_claims: bool,
) -> CommentPage:
    """Comments ``start`` to ``start + size`` in display order with the annotator's labels on
    them (and on the article body, with ``article_claims``) and their claims' relations: four
    queries, each a range of an (article, ...) index, whatever the thread's size.

    A comment's descendants are the run of deeper comments after it, so their number is where
    the next comment no deeper than it stands (one correlated subquery, by the same index).
    """
    after = (
        Comment.objects.filter(
            article_id=OuterRef("article_id"),
            position__gt=OuterRef("position"),
            depth__lte=OuterRef("depth"),
        )
        .order_by("position")
        .values("position")[:1]
    )
    count = (
        Comment.objects.filter(article_id=article.pk)
        .order_by()
        .values("article_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = list(
        Comment.objects.filter(
            article_id=article.pk, position__gte=start, position__lte=start + size
        )
        .order_by("position")
        .only(*COMMENT_FIELDS)
        .annotate(subtree_end=Coalesce(Subquery(after), Subquery(count)))
    )
    comments, more = rows[:size], len(rows) > size
    ids = [c.pk for c in comments]
    in_texts = Q(comment_id__in=ids)
    if article_claims:
        in_texts |= Q(comment__isnull=True)
    claims = list(_own_claims(annotator=annotator, article_id=article.pk).filter(in_texts))
    _attach_labels(claims, schema, {c.pk: c for c in claims})
    relations = own_relations_from(
        annotator=annotator, article_id=article.pk, claim_ids=[c.pk for c in claims], schema=schema
    )
    labels = list(
        _own_reply_labels(annotator=annotator, article_id=article.pk).filter(comment_id__in=ids)
    )
    labels_by_comment: dict[int, dict[str, ReplyLabel]] = defaultdict(dict)
    for reply_label in labels:
        reply_label.label = schema.by_id[reply_label.label_id]
        labels_by_comment[reply_label.comment_id][reply_label.toward] = reply_label
    by_text: dict[int | None, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_text[claim.comment_id].append(claim)
    items = []
    for c in comments:
        c.article = article
        items.append(
            CommentItem(
                comment=c,
                text=TextView(str(c.pk), c, c.text, by_text.get(c.pk, []), relations),
                reply_labels=labels_by_comment.get(c.pk, {}),
                descendants=c.subtree_end - c.position - 1,
            )
        )
    _place(items)
    return CommentPage(
        items=items,
        start=start,
        next_start=start + size if more else None,
        claims=claims,
        relations=relations,
    )


def _place(items: list[CommentItem]) -> None:
    """Where each comment's box goes and how many boxes close after it.

    Display order is a pre-order walk, so a comment's parent is in this page unless every
    comment before it in the page is at least as deep: such a comment starts a run that goes
    into its parent's replies box, shown by an earlier page (``into``). Within a run, the boxes
    to close after a comment are the levels the next one climbs; the run's last comment closes
    every box the run opened.
    """
    shallowest: int | None = None
    base = 0
    for i, item in enumerate(items):
        depth = item.comment.depth
        if shallowest is None or depth < shallowest:
            shallowest = base = depth
            parent = item.comment.parent_id
            item.into = "comments" if parent is None else f"r-{parent}"
        following = items[i + 1].comment.depth if i + 1 < len(items) else None
        if following is not None and shallowest is not None and following < shallowest:
            following = None  # the next comment starts a run of its own
        floor = base if following is None else max(following, base)
        item.closes = depth - floor + 1 if following is None or following <= depth else 0


def workspace_get(
    *, annotator: AbstractBaseUser, article_id: int, start: int = 0, size: int = PAGE_SIZE
) -> Workspace:
    """The thread page as ``annotator`` labels it: the article and one page of comments (from
    ``start``), with only their own labels, and their progress over the whole thread; seven
    queries whatever its size, or 404 when the thread is not assigned to them."""
    assignment = get_thread_for_annotator(annotator, article_id)  # type: ignore[arg-type]
    article = assignment.article
    schema = schema_get(corpus_id=article.corpus_id)
    page = _comment_page(
        annotator=annotator,
        article=article,
        schema=schema,
        start=start,
        size=size,
        article_claims=True,
    )
    labelled, total = assignment_progress(assignment=assignment)
    return Workspace(
        assignment=assignment,
        article=article,
        schema=schema,
        article_text=TextView(
            ARTICLE_KEY,
            None,
            article.body,
            [c for c in page.claims if c.comment_id is None],
            page.relations,
        ),
        page=page,
        labelled=labelled,
        total=total,
    )


def comment_page_get(
    *, annotator: AbstractBaseUser, article_id: int, start: int, size: int = PAGE_SIZE
) -> tuple[Assignment, Schema, CommentPage]:
    """One further page of the thread's comments for ``annotator``: five queries whatever the
    thread's size (the assignment, the schema, the comments, their claims and reply labels)."""
    assignment = get_thread_for_annotator(annotator, article_id)  # type: ignore[arg-type]
    article = assignment.article
    schema = schema_get(corpus_id=article.corpus_id)
    page = _comment_page(
        annotator=annotator,
        article=article,
        schema=schema,
        start=start,
        size=size,
        article_claims=False,
    )
    return assignment, schema, page


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


def workspace_text(
    *, annotator: AbstractBaseUser, article: Article, comment: Comment | None, schema: Schema
) -> TextView:
    """One text with the annotator's claims on it and their relations, for the fragment a save
    returns: two queries."""
    claims = _own_claims(annotator=annotator, article_id=article.pk).only(*_TEXT_CLAIM_FIELDS)
    if comment is None:
        claims = claims.filter(comment__isnull=True)
    else:
        claims = claims.filter(comment_id=comment.pk)
    text_claims = list(claims)
    _attach_labels(text_claims, schema, {})
    relations = own_relations_from(
        annotator=annotator,
        article_id=article.pk,
        claim_ids=[c.pk for c in text_claims],
        schema=schema,
    )
    key = ARTICLE_KEY if comment is None else str(comment.pk)
    text = article.body if comment is None else comment.text
    return TextView(key, comment, text, text_claims, relations)


def thread_comment_get(*, article: Article, comment_id: int) -> Comment | None:
    """One comment of the article (its text, place in the tree and author), or None: one query."""
    comment = (
        Comment.objects.filter(pk=comment_id, article_id=article.pk).only(*COMMENT_FIELDS).first()
    )
    if comment is not None:
        comment.article = article
    return comment


def claim_target_choices(
    *,
    annotator: AbstractBaseUser,
    article: Article,
    comment: Comment | None,
    same_text: bool = False,
) -> list[Claim]:
    """The annotator's claims a new claim in ``comment`` may target: those in its ancestor texts
    (the article body and the comments up its reply chain), in display order. One query, read on
    the server, so it holds for a comment whose ancestors the browser has not loaded. With
    ``same_text``, the claims in ``comment`` itself too (those a claim may relate to; for the
    article body, its claims).

    In display order (a pre-order walk) the ancestor at depth ``d`` is the last comment before
    ``comment`` at depth ``d``: a grouped range of the (article, position) index, not the thread.
    """
    if comment is None:
        if not same_text:
            return []
        return list(
            _own_claims(annotator=annotator, article_id=article.pk)
            .filter(comment__isnull=True)
            .order_by("start", "id")
        )
    ancestors = (
        Comment.objects.filter(
            article_id=article.pk, position__lt=comment.position, depth__lt=comment.depth
        )
        .order_by()
        .values("depth")
        .annotate(last=Max("position"))
        .values("last")
    )
    texts = Q(comment__isnull=True) | Q(comment__position__in=Subquery(ancestors))
    if same_text:
        texts |= Q(comment_id=comment.pk)
    claims = list(
        _own_claims(annotator=annotator, article_id=article.pk)
        .filter(texts)
        .select_related("comment")
    )
    # Article first, then from the top of the chain down to the direct parent.
    claims.sort(key=lambda c: (c.comment.depth if c.comment else -1, c.start, c.pk))
    return claims


def own_claim_get(*, annotator: AbstractBaseUser, article: Article, claim_id: int) -> Claim | None:
    """One of ``annotator``'s own claims on ``article`` (never gold), with its comment."""
    return (
        Claim.objects.filter(pk=claim_id, article=article, annotator_id=annotator.pk, is_gold=False)
        .select_related("comment")
        .first()
    )


def _deleted_by(annotator: AbstractBaseUser, article: Article, object_type: str, pk: int) -> bool:
    return AnnotationEvent.objects.filter(
        object_type=object_type,
        object_id=pk,
        action="delete",
        actor_id=annotator.pk,
        article_id=article.pk,
    ).exists()


def own_claim_was_deleted(*, annotator: AbstractBaseUser, article: Article, claim_id: int) -> bool:
    """Whether ``annotator`` deleted this claim of theirs (the history says so)."""
    return _deleted_by(annotator, article, "claim", claim_id)


def own_relation_was_removed(
    *, annotator: AbstractBaseUser, article: Article, relation_id: int
) -> bool:
    """Whether ``annotator`` removed this relation of theirs (the history says so)."""
    return _deleted_by(annotator, article, "relation", relation_id)


def own_relation_get(
    *, annotator: AbstractBaseUser, article: Article, relation_id: int
) -> Relation | None:
    """One of ``annotator``'s own relations on ``article`` (never gold), with the claim it
    starts from and that claim's comment (the text that lists it)."""
    return (
        Relation.objects.filter(
            pk=relation_id, article=article, annotator_id=annotator.pk, is_gold=False
        )
        .select_related("from_claim__comment")
        .first()
    )


def own_reply_label_get(
    *, annotator: AbstractBaseUser, comment: Comment, toward: str
) -> ReplyLabel | None:
    """``annotator``'s own reply label on ``comment`` toward ``toward``, if any (its label value
    id only)."""
    return (
        ReplyLabel.objects.filter(
            comment=comment, annotator_id=annotator.pk, is_gold=False, toward=toward
        )
        .only("label_id")
        .first()
    )
