"""The annotator's thread page: a whole thread with the annotator's own labels, read as a handful
of flat queries (assignment, article, comments, claims, reply labels, schema) and put together in
Python, so templates never query per comment or per claim."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import (
    Q,
    QuerySet,
)

from annotate.access import get_thread_for_annotator
from annotate.models import (
    Assignment,
    Claim,
    ReplyLabel,
)
from annotate.selectors.assignments import COMMENT_FIELDS
from annotate.selectors.schema import Schema, schema_get
from threads.models import Article, Comment
from threads.selectors import thread_get

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


def thread_comment_get(*, article: Article, comment_id: int) -> Comment | None:
    """One comment of the article (its text, place in the tree and author), or None: one query."""
    comment = (
        Comment.objects.filter(pk=comment_id, article_id=article.pk).only(*COMMENT_FIELDS).first()
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
