"""The review page: a thread with every annotator's labels and the gold ones, and one text of it
again after a gold change, each in a fixed number of queries whatever the thread's size."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q

from annotate.access import get_thread_for_reviewer
from annotate.models import Claim, ReplyLabel, ThreadReview
from annotate.selectors.relations import relations_from, thread_relations
from annotate.selectors.review.rows import (
    ClaimRow,
    ReplyRow,
    ReviewThread,
    TextReview,
    build_text,
    claim_rows,
    name_rows,
    reply_rows,
    thread_people,
)
from annotate.selectors.schema import Schema, schema_get
from annotate.selectors.workspace import ARTICLE_KEY
from threads.models import Article, Comment


def review_thread_get(*, user: AbstractBaseUser, article_id: int) -> ReviewThread:
    """The thread as a reviewer settles it: every annotator's claims, relations and reply labels
    and the gold ones, per text, in display order. Eight queries whatever its size, or 404 when
    ``user`` does not review its corpus."""
    article = get_thread_for_reviewer(user, article_id)  # type: ignore[arg-type]
    comments = list(Comment.objects.filter(article=article).order_by("position"))
    for comment in comments:
        comment.article = article
    schema = schema_get(corpus_id=article.corpus_id)
    claims = claim_rows(
        Claim.objects.filter(article=article).order_by("start", "end", "id"), schema, {}
    )
    labels = reply_rows(ReplyLabel.objects.filter(article=article), schema, {})
    annotators, users = thread_people(article.pk, claims, labels)
    name_rows(claims, labels, users)
    by_id = {c.pk: c for c in claims}
    claims_by: dict[int | None, list[ClaimRow]] = defaultdict(list)
    for claim in claims:
        claims_by[claim.comment_id].append(claim)
    labels_by: dict[int, list[ReplyRow]] = defaultdict(list)
    for label in labels:
        labels_by[label.comment_id].append(label)
    review = ThreadReview.objects.filter(article=article).select_related("updated_by").first()
    relations = thread_relations(article_id=article.pk, schema=schema)
    article_text = build_text(
        key=ARTICLE_KEY,
        comment=None,
        text=article.body,
        claims=claims_by.get(None, []),
        labels=[],
        annotators=annotators,
        by_id=by_id,
    )
    items = [
        build_text(
            key=str(c.pk),
            comment=c,
            text=c.text,
            claims=claims_by.get(c.pk, []),
            labels=labels_by.get(c.pk, []),
            annotators=annotators,
            by_id=by_id,
        )
        for c in comments
    ]
    # Display order is a pre-order walk: a comment's descendants are the run after it of deeper
    # comments, and the boxes to close after it are the levels the next one climbs.
    open_items: list[TextReview] = []
    for i, item in enumerate(items):
        assert item.comment is not None
        depth = item.comment.depth
        while open_items and open_items[-1].comment.depth >= depth:  # type: ignore[union-attr]
            open_items.pop()
        for ancestor in open_items:
            ancestor.descendants += 1
        open_items.append(item)
        following = items[i + 1].comment if i + 1 < len(items) else None
        next_depth = following.depth if following is not None else 0
        item.closes = depth - next_depth + 1 if next_depth <= depth else 0
    for text in (article_text, *items):
        text.relations = relations
    return ReviewThread(
        article=article,
        schema=schema,
        review=review,
        annotators=annotators,
        article_text=article_text,
        items=items,
    )


def review_text_get(*, article: Article, comment: Comment | None, schema: Schema) -> TextReview:
    """One text as the review page shows it, for the fragment a gold change returns: four
    queries (its claims, their relations, its reply labels, the people), five when its claims
    target claims in other texts."""
    claims = claim_rows(
        Claim.objects.filter(article=article, comment=comment).order_by("start", "end", "id"),
        schema,
        {},
    )
    target_ids = {c.target_claim_id for c in claims if c.target_claim_id} - {c.pk for c in claims}
    targets = claim_rows(Claim.objects.filter(pk__in=target_ids), schema, {}) if target_ids else []
    labels = (
        reply_rows(ReplyLabel.objects.filter(comment=comment), schema, {})
        if comment is not None
        else []
    )
    annotators, users = thread_people(article.pk, claims, labels)
    name_rows(claims, labels, users)
    by_id = {c.pk: c for c in (*targets, *claims)}
    text = build_text(
        key=ARTICLE_KEY if comment is None else str(comment.pk),
        comment=comment,
        text=article.body if comment is None else comment.text,
        claims=claims,
        labels=labels,
        annotators=annotators,
        by_id=by_id,
    )
    text.relations = relations_from(claim_ids=[c.pk for c in claims], schema=schema)
    return text


def gold_target_choices(
    *, article: Article, comment: Comment | None, same_text: bool = False
) -> list[Claim]:
    """The gold claims a gold claim in ``comment`` may target: those in its ancestor texts (the
    article body and the comments up its reply chain), in display order; with ``same_text``,
    those in ``comment`` too (what it may relate to; for the article body, its gold claims).
    Two queries (one for the article body)."""
    if comment is None:
        if not same_text:
            return []
        return list(
            Claim.objects.filter(article=article, is_gold=True, comment__isnull=True).order_by(
                "start", "id"
            )
        )
    parents = dict(Comment.objects.filter(article=article).values_list("pk", "parent_id"))
    ancestors: list[int] = [comment.pk] if same_text else []
    parent_id = parents.get(comment.pk)
    while parent_id is not None:
        ancestors.append(parent_id)
        parent_id = parents.get(parent_id)
    claims = list(
        Claim.objects.filter(article=article, is_gold=True)
        .filter(Q(comment__isnull=True) | Q(comment_id__in=ancestors))
        .select_related("comment")
    )
    claims.sort(key=lambda c: (c.comment.depth if c.comment else -1, c.start, c.pk))
    return claims


def gold_relation_start(*, article: Article, relation_id: int) -> Claim | None:
    """The gold claim a gold relation of ``article`` starts from, with its comment (the text to
    show again once the relation is gone), or None: one query."""
    return (
        Claim.objects.filter(relations__pk=relation_id, article=article, is_gold=True)
        .select_related("comment")
        .first()
    )
