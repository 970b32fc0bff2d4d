"""The review page: a thread with every annotator's labels and the gold ones, per text, and the
fragments a gold change returns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q

from annotate.access import get_thread_for_reviewer
from annotate.models import Assignment, Claim, ReplyLabel, ThreadReview, Toward
from annotate.selectors.relations import relations_from, thread_relations
from annotate.selectors.review.disagreements import claim_disagreements, reply_disagrees
from annotate.selectors.review.rows import (
    ClaimRow,
    Lane,
    ReplyReview,
    ReplyRow,
    ReplyVote,
    ReviewThread,
    TextReview,
    claim_rows,
    reply_rows,
)
from annotate.selectors.schema import Schema, reply_directions_get, schema_get
from annotate.selectors.workspace import ARTICLE_KEY
from annotate.services.gold import majority, reply_labels_fingerprint
from threads.models import Article, Comment


def _thread_people(
    article_id: int, claims: list[ClaimRow], labels: list[ReplyRow]
) -> tuple[list[Any], dict[int, Any]]:
    """The thread's annotators, sorted by name (those assigned to it, and anyone with an
    annotator's label on it; gold is not an annotator), and every user the labels name, by id:
    one query (the users, each marked whether assigned)."""
    named = (
        {c.annotator_id for c in claims}
        | {c.source_id for c in claims if c.source_id}
        | {r.annotator_id for r in labels}
        | {r.source_id for r in labels if r.source_id}
    )
    assigned = Assignment.objects.filter(article_id=article_id, annotator=OuterRef("pk"))
    people = (
        get_user_model()
        .objects.filter(Q(pk__in=named) | Q(Exists(assigned)))
        .annotate(assigned=Exists(assigned))
        .only("username")
    )
    users = {u.pk: u for u in people}
    who = (
        {pk for pk, u in users.items() if u.assigned}
        | {c.annotator_id for c in claims if not c.is_gold}
        | {r.annotator_id for r in labels if not r.is_gold}
    )
    return sorted((users[pk] for pk in who), key=lambda u: u.get_username()), users


def _name(claims: list[ClaimRow], labels: list[ReplyRow], users: dict[int, Any]) -> None:
    for claim in claims:
        claim.annotator = users[claim.annotator_id].get_username()
        claim.source = users[claim.source_id].get_username() if claim.source_id else ""
    for label in labels:
        label.annotator = users[label.annotator_id].get_username()
        label.source = users[label.source_id].get_username() if label.source_id else ""


def _reply_review(toward: str, labels: list[ReplyRow], annotators: list[Any]) -> ReplyReview:
    """The annotators' labels on a comment in one direction, as the page settles them."""
    by_annotator = {r.annotator_id: r for r in labels if not r.is_gold and r.toward == toward}
    votes = [ReplyVote(u, by_annotator.get(u.pk)) for u in annotators]
    given = {u.pk: r.label_id for u in annotators if (r := by_annotator.get(u.pk))}
    return ReplyReview(
        toward=toward,
        votes=votes,
        majority_id=majority(list(given.values())),
        gold=next((r for r in labels if r.is_gold and r.toward == toward), None),
        dis=reply_disagrees(given, {u.pk for u in annotators}),
        seen=reply_labels_fingerprint(
            [(v.annotator.get_username(), v.label.label_id) for v in votes if v.label]
        ),
    )


def _directions_shown(directions: Iterable[str], labels: Iterable[ReplyRow]) -> list[str]:
    """The directions the corpus labels, and any a label takes all the same, parent first."""
    shown = set(directions) | {r.toward for r in labels}
    return [toward for toward in Toward.values if toward in shown]


def _build_text(
    *,
    key: str,
    comment: Comment | None,
    text: str,
    claims: list[ClaimRow],
    labels: list[ReplyRow],
    annotators: list[Any],
    by_id: dict[int, Any],
    directions: Iterable[str],
) -> TextReview:
    own = [c for c in claims if not c.is_gold]
    gold = [c for c in claims if c.is_gold]
    dis = claim_disagreements(own, {u.pk for u in annotators}, by_id)  # type: ignore[arg-type]  # duck-typed rows
    gold_spans = {(c.start, c.end, c.claim_type_id) for c in gold}
    groups = set()
    for claim in own:
        claim.dis = claim.pk in dis
        claim.in_gold = (claim.start, claim.end, claim.claim_type_id) in gold_spans
        if claim.dis:
            groups.add((claim.start, claim.end, claim.claim_type_id))
    lanes = [Lane(u, [c for c in own if c.annotator_id == u.pk]) for u in annotators]
    review = TextReview(key=key, comment=comment, text=text, lanes=lanes, gold=gold)
    review.dis = len(groups)
    if comment is not None:
        for toward in _directions_shown(directions, labels):
            reply = _reply_review(toward, labels, annotators)
            review.replies.append(reply)
            review.dis += int(reply.dis)
    return review


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
    annotators, users = _thread_people(article.pk, claims, labels)
    _name(claims, labels, users)
    by_id = {c.pk: c for c in claims}
    claims_by: dict[int | None, list[ClaimRow]] = defaultdict(list)
    for claim in claims:
        claims_by[claim.comment_id].append(claim)
    labels_by: dict[int, list[ReplyRow]] = defaultdict(list)
    for label in labels:
        labels_by[label.comment_id].append(label)
    review = ThreadReview.objects.filter(article=article).select_related("updated_by").first()
    directions = reply_directions_get(corpus=article.corpus)  # read with the article
    relations = thread_relations(article_id=article.pk, schema=schema)
    article_text = _build_text(
        key=ARTICLE_KEY,
        comment=None,
        text=article.body,
        claims=claims_by.get(None, []),
        labels=[],
        annotators=annotators,
        by_id=by_id,
        directions=directions,
    )
    items = [
        _build_text(
            key=str(c.pk),
            comment=c,
            text=c.text,
            claims=claims_by.get(c.pk, []),
            labels=labels_by.get(c.pk, []),
            annotators=annotators,
            by_id=by_id,
            directions=directions,
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
    target claims in other texts (the article read with its corpus's directions, as the review
    views read it)."""
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
    annotators, users = _thread_people(article.pk, claims, labels)
    _name(claims, labels, users)
    by_id = {c.pk: c for c in (*targets, *claims)}
    text = _build_text(
        key=ARTICLE_KEY if comment is None else str(comment.pk),
        comment=comment,
        text=article.body if comment is None else comment.text,
        claims=claims,
        labels=labels,
        annotators=annotators,
        by_id=by_id,
        directions=reply_directions_get(corpus=article.corpus),
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
