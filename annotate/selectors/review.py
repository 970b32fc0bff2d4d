"""The reviewer's reads: the home list of threads to review and the review page, each in a fixed
number of queries whatever the size, with the disagreements worked out in Python.

Disagreements (DESIGN.md "Gold"; README "Reviewing"), among a thread's annotators (those
assigned to it, and anyone with a label on it; gold is not an annotator):

- claims are grouped by text, span and claim type; a group is a disagreement when only some
  annotators marked that span, or when they gave it different stances or targets (a target
  claim counts as its span);
- a comment's reply labels disagree when not every annotator gave the same label (one
  annotator without a label while another has one counts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from annotate.access import corpora_for, get_thread_for_reviewer
from annotate.models import (
    Assignment,
    AssignmentStatus,
    Claim,
    GrantRole,
    ReplyLabel,
    ReviewStatus,
    ThreadReview,
)
from annotate.selectors.schema import Schema, schema_get
from annotate.selectors.workspace import ARTICLE_KEY, Segment, text_segments
from annotate.services.gold import majority, reply_labels_fingerprint, version_of
from threads.models import Article, Comment, Corpus

PAGE_SIZE = 50

# Which threads need a reviewer first: every assignment done and not reviewed, then those in
# review, then those still being annotated, reviewed last.
NEED_READY, NEED_IN_REVIEW, NEED_ANNOTATING, NEED_REVIEWED = 0, 1, 2, 3


# --- Disagreements (pure) -------------------------------------------------------------------


def _target_key(claim: Claim, by_id: dict[int, Claim]) -> tuple[Any, ...]:
    if claim.target_claim_id is None:
        return ("v", claim.stance_target_id)
    target = by_id.get(claim.target_claim_id)
    if target is None:
        return ("c", claim.target_claim_id)
    return ("c", target.comment_id, target.start, target.end, target.claim_type_id)


def claim_disagreements(
    claims: Iterable[Claim], annotators: set[int], by_id: dict[int, Claim]
) -> set[int]:
    """The ids of the (annotators') claims that are part of a disagreement."""
    groups: dict[tuple[Any, ...], list[Claim]] = defaultdict(list)
    for claim in claims:
        groups[(claim.comment_id, claim.start, claim.end, claim.claim_type_id)].append(claim)
    dis: set[int] = set()
    for group in groups.values():
        who = {c.annotator_id for c in group}
        if (
            not annotators <= who
            or len({c.stance_id for c in group}) > 1
            or len({_target_key(c, by_id) for c in group}) > 1
        ):
            dis.update(c.pk for c in group)
    return dis


def claim_disagreement_count(
    claims: Iterable[Claim], annotators: set[int], by_id: dict[int, Claim]
) -> int:
    """How many spans (text, span, claim type) the annotators disagree on."""
    groups: dict[tuple[Any, ...], list[Claim]] = defaultdict(list)
    for claim in claims:
        groups[(claim.comment_id, claim.start, claim.end, claim.claim_type_id)].append(claim)
    dis = claim_disagreements(claims, annotators, by_id)
    return sum(1 for group in groups.values() if group[0].pk in dis)


def reply_disagrees(labels: dict[int, int], annotators: set[int]) -> bool:
    """Whether the annotators' reply labels on a comment ({annotator id: label id}) differ."""
    if not labels:
        return False
    return len(set(labels.values())) > 1 or not annotators <= set(labels)


# --- The home list ----------------------------------------------------------------------------


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
        replies: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
        for article_id, comment_id, annotator_id, label_id in ReplyLabel.objects.filter(
            article_id__in=ids, is_gold=False
        ).values_list("article_id", "comment_id", "annotator_id", "label_id"):
            replies[article_id][comment_id][annotator_id] = label_id
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


# --- The review page --------------------------------------------------------------------------


@dataclass
class Lane:
    """One annotator's claims on one text."""

    annotator: AbstractBaseUser
    claims: list[Claim]

    @property
    def seen(self) -> str:
        """The lane as the page shows it, for "accept all": "id=version;id=version"."""
        return ";".join(f"{c.pk}={version_of(c)}" for c in self.claims)


@dataclass
class ReplyVote:
    annotator: AbstractBaseUser
    label: ReplyLabel | None


@dataclass
class ReplyReview:
    """The annotators' reply labels on one comment, the majority and the gold one."""

    votes: list[ReplyVote]
    majority_id: int | None
    gold: ReplyLabel | None
    dis: bool
    seen: str  # the annotators' labels as the page shows them (for "accept majority")

    @property
    def seen_gold(self) -> str:
        return version_of(self.gold)


@dataclass
class TextReview:
    """One text of the thread with every annotator's claims (a lane each) and the gold ones."""

    key: str
    comment: Comment | None
    text: str
    lanes: list[Lane]
    gold: list[Claim]
    reply: ReplyReview | None = None
    descendants: int = 0
    closes: int = 0
    dis: int = 0

    @property
    def segments(self) -> list[Segment]:
        return text_segments(self.text, self.gold)

    @property
    def gold_spans(self) -> set[tuple[int, int, int]]:
        return {(c.start, c.end, c.claim_type_id) for c in self.gold}


@dataclass
class ReviewThread:
    article: Article
    schema: Schema
    review: ThreadReview | None
    annotators: list[AbstractBaseUser]
    article_text: TextReview
    items: list[TextReview] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.review.status if self.review else ReviewStatus.UNREVIEWED

    @property
    def disagreements(self) -> int:
        return self.article_text.dis + sum(t.dis for t in self.items)

    @property
    def gold_count(self) -> int:
        return len(self.article_text.gold) + sum(len(t.gold) for t in self.items)


def _attach(claims: Iterable[Claim], schema: Schema, users: dict[int, Any]) -> None:
    """Fill the claims' labels and people from values in hand: reading them costs no query."""
    for claim in claims:
        claim.claim_type = schema.by_id[claim.claim_type_id]
        claim.stance = schema.by_id[claim.stance_id]
        claim.stance_target = (
            schema.by_id[claim.stance_target_id] if claim.stance_target_id else None
        )
        claim.annotator = users[claim.annotator_id]
        claim.source = users.get(claim.source_id) if claim.source_id else None


def _users(ids: Iterable[int]) -> dict[int, Any]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {u.pk: u for u in get_user_model().objects.filter(pk__in=wanted).only("username")}


def _thread_annotators(article_id: int, claims: list[Claim], labels: list[ReplyLabel]) -> set[int]:
    assigned = set(
        Assignment.objects.filter(article_id=article_id).values_list("annotator_id", flat=True)
    )
    return (
        assigned
        | {c.annotator_id for c in claims if not c.is_gold}
        | {r.annotator_id for r in labels if not r.is_gold}
    )


def _build_text(
    *,
    key: str,
    comment: Comment | None,
    text: str,
    claims: list[Claim],
    labels: list[ReplyLabel],
    annotators: list[Any],
    by_id: dict[int, Claim],
) -> TextReview:
    own = [c for c in claims if not c.is_gold]
    gold = [c for c in claims if c.is_gold]
    dis = claim_disagreements(own, {u.pk for u in annotators}, by_id)
    for claim in own:
        claim.dis = claim.pk in dis  # type: ignore[attr-defined]
    gold_spans = {(c.start, c.end, c.claim_type_id) for c in gold}
    for claim in own:
        claim.in_gold = (claim.start, claim.end, claim.claim_type_id) in gold_spans  # type: ignore[attr-defined]
    lanes = [Lane(u, [c for c in own if c.annotator_id == u.pk]) for u in annotators]
    review = TextReview(key=key, comment=comment, text=text, lanes=lanes, gold=gold)
    groups = {(c.start, c.end, c.claim_type_id) for c in own if c.pk in dis}
    review.dis = len(groups)
    if comment is not None:
        by_annotator = {r.annotator_id: r for r in labels if not r.is_gold}
        votes = [ReplyVote(u, by_annotator.get(u.pk)) for u in annotators]
        given = {u.pk: r.label_id for u in annotators if (r := by_annotator.get(u.pk))}
        gold_label = next((r for r in labels if r.is_gold), None)
        reply_dis = reply_disagrees(given, {u.pk for u in annotators})
        review.reply = ReplyReview(
            votes=votes,
            majority_id=majority(list(given.values())),
            gold=gold_label,
            dis=reply_dis,
            seen=reply_labels_fingerprint(
                [(v.annotator.get_username(), v.label.label_id) for v in votes if v.label]
            ),
        )
        review.dis += int(reply_dis)
    return review


def review_thread_get(*, user: AbstractBaseUser, article_id: int) -> ReviewThread:
    """The thread as a reviewer settles it: every annotator's claims and reply labels and the
    gold ones, per text, in display order. Eight queries whatever its size, or 404 when ``user``
    does not review its corpus."""
    article = get_thread_for_reviewer(user, article_id)  # type: ignore[arg-type]
    comments = list(Comment.objects.filter(article=article).order_by("position"))
    for comment in comments:
        comment.article = article
    schema = schema_get(corpus_id=article.corpus_id)
    claims = list(Claim.objects.filter(article=article).order_by("start", "end", "id"))
    labels = list(ReplyLabel.objects.filter(article=article))
    who = _thread_annotators(article.pk, claims, labels)
    users = _users(
        who
        | {c.annotator_id for c in claims}
        | {c.source_id or 0 for c in claims}
        | {r.annotator_id for r in labels}
        | {r.source_id or 0 for r in labels}
    )
    _attach(claims, schema, users)
    for label in labels:
        label.label = schema.by_id[label.label_id]
        label.annotator = users[label.annotator_id]
        label.source = users.get(label.source_id) if label.source_id else None
    by_id = {c.pk: c for c in claims}
    annotators = sorted((users[pk] for pk in who), key=lambda u: u.get_username())
    claims_by: dict[int | None, list[Claim]] = defaultdict(list)
    for claim in claims:
        claims_by[claim.comment_id].append(claim)
    labels_by: dict[int, list[ReplyLabel]] = defaultdict(list)
    for label in labels:
        labels_by[label.comment_id].append(label)
    review = ThreadReview.objects.filter(article=article).select_related("updated_by").first()
    article_text = _build_text(
        key=ARTICLE_KEY,
        comment=None,
        text=article.body,
        claims=claims_by.get(None, []),
        labels=[],
        annotators=annotators,
        by_id=by_id,
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
    queries (its claims, the thread's annotators, the people, its reply labels)."""
    claims = list(
        Claim.objects.filter(article=article, comment=comment)
        .select_related("target_claim")
        .order_by("start", "end", "id")
    )
    labels = list(ReplyLabel.objects.filter(comment=comment)) if comment is not None else []
    who = _thread_annotators(article.pk, claims, labels)
    users = _users(
        who
        | {c.annotator_id for c in claims}
        | {c.source_id or 0 for c in claims}
        | {r.annotator_id for r in labels}
        | {r.source_id or 0 for r in labels}
    )
    targets = {c.target_claim_id: c.target_claim for c in claims if c.target_claim is not None}
    _attach(claims, schema, users)
    for label in labels:
        label.label = schema.by_id[label.label_id]
        label.annotator = users[label.annotator_id]
        label.source = users.get(label.source_id) if label.source_id else None
    by_id: dict[int, Claim] = {**targets, **{c.pk: c for c in claims}}  # type: ignore[dict-item]
    annotators = sorted((users[pk] for pk in who), key=lambda u: u.get_username())
    return _build_text(
        key=ARTICLE_KEY if comment is None else str(comment.pk),
        comment=comment,
        text=article.body if comment is None else comment.text,
        claims=claims,
        labels=labels,
        annotators=annotators,
        by_id=by_id,
    )


def gold_target_choices(*, article: Article, comment: Comment | None) -> list[Claim]:
    """The gold claims a gold claim in ``comment`` may target: those in its ancestor texts (the
    article body and the comments up its reply chain), in display order. Two queries."""
    if comment is None:
        return []
    parents = dict(Comment.objects.filter(article=article).values_list("pk", "parent_id"))
    ancestors: list[int] = []
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
