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
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
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
from annotate.services.gold import majority, reply_labels_fingerprint
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

# A claim as the page reads it: plain values, not a model instance (a 2,000-comment thread has
# thousands of labels, and building a model and setting its relations costs more than the
# database read; see bench/review_page.py).
_CLAIM_COLUMNS = (
    "id",
    "annotator_id",
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
    "updated_at",
    "source_id",
)
# An annotator's reply label is accepted as the value the page showed (its id is its version);
# only a gold one's time is read: 6,000 times parsed cost more than the rest of the read.
_REPLY_COLUMNS = ("id", "annotator_id", "comment_id", "label_id", "is_gold", "gold_at", "source_id")


@dataclass(slots=True)
class ClaimRow:
    """A claim on the review page, with what the page shows of it."""

    pk: int
    annotator_id: int
    comment_id: int | None
    start: int
    end: int
    quote: str
    claim_type_id: int
    stance_id: int
    stance_target_id: int | None
    target_claim_id: int | None
    note: str
    is_gold: bool
    updated_at: Any
    source_id: int | None
    annotator: str = ""  # username (gold: who settled it)
    source: str = ""  # gold: the annotator it was accepted from, "" when drawn
    stance: str = ""
    claim_type: str = ""
    target: str = ""  # "thesis", "parent", "→ #12"
    seen: str = ""  # the version the page carries
    dis: bool = False
    in_gold: bool = False


@dataclass(slots=True)
class ReplyRow:
    pk: int
    annotator_id: int
    comment_id: int
    label_id: int
    is_gold: bool
    updated_at: Any  # gold only (None for an annotator's label)
    source_id: int | None
    label: str = ""
    annotator: str = ""
    source: str = ""
    seen: str = ""


@dataclass
class Lane:
    """One annotator's claims on one text."""

    annotator: Any  # the user
    claims: list[ClaimRow]

    @property
    def seen(self) -> str:
        """The lane as the page shows it, for "accept all": "id=version;id=version"."""
        return ";".join(f"{c.pk}={c.seen}" for c in self.claims)


@dataclass
class ReplyVote:
    annotator: Any
    label: ReplyRow | None


@dataclass
class ReplyReview:
    """The annotators' reply labels on one comment, the majority and the gold one."""

    votes: list[ReplyVote]
    majority_id: int | None
    gold: ReplyRow | None
    dis: bool
    seen: str  # the annotators' labels as the page shows them (for "accept majority")

    @property
    def seen_gold(self) -> str:
        return self.gold.seen if self.gold else ""


@dataclass
class TextReview:
    """One text of the thread with every annotator's claims (a lane each) and the gold ones."""

    key: str
    comment: Comment | None
    text: str
    lanes: list[Lane]
    gold: list[ClaimRow]
    reply: ReplyReview | None = None
    descendants: int = 0
    closes: int = 0
    dis: int = 0

    @property
    def segments(self) -> list[Segment]:
        return text_segments(self.text, self.gold)  # type: ignore[arg-type]  # duck-typed

    @property
    def has_claims(self) -> bool:
        return bool(self.gold) or any(lane.claims for lane in self.lanes)


@dataclass
class ReviewThread:
    article: Article
    schema: Schema
    review: ThreadReview | None
    annotators: list[Any]
    article_text: TextReview
    items: list[TextReview] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.review.status if self.review else ReviewStatus.UNREVIEWED

    @property
    def disagreements(self) -> int:
        return self.article_text.dis + sum(t.dis for t in self.items)


def _claim_rows(claims: Any, schema: Schema, names: dict[int, str]) -> list[ClaimRow]:
    names_of = {v.pk: v.name for v in schema.values}
    rows = []
    for values in claims.values_list(*_CLAIM_COLUMNS):
        row = ClaimRow(*values)
        row.annotator = names.get(row.annotator_id, "")
        row.source = names.get(row.source_id, "") if row.source_id else ""
        row.stance = names_of[row.stance_id]
        row.claim_type = names_of[row.claim_type_id]
        row.target = (
            f"→ #{row.target_claim_id}"
            if row.target_claim_id is not None
            else names_of.get(row.stance_target_id or 0, "")
        )
        row.seen = row.updated_at.isoformat()
        rows.append(row)
    return rows


def _reply_rows(labels: Any, schema: Schema, names: dict[int, str]) -> list[ReplyRow]:
    names_of = {v.pk: v.name for v in schema.values}
    rows = []
    gold_at = Case(When(is_gold=True, then=F("updated_at")), output_field=DateTimeField())
    for values in labels.annotate(gold_at=gold_at).values_list(*_REPLY_COLUMNS):
        row = ReplyRow(*values)
        row.label = names_of[row.label_id]
        row.annotator = names.get(row.annotator_id, "")
        row.source = names.get(row.source_id, "") if row.source_id else ""
        row.seen = row.updated_at.isoformat() if row.is_gold else str(row.label_id)
        rows.append(row)
    return rows


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


def _build_text(
    *,
    key: str,
    comment: Comment | None,
    text: str,
    claims: list[ClaimRow],
    labels: list[ReplyRow],
    annotators: list[Any],
    by_id: dict[int, Any],
) -> TextReview:
    own = [c for c in claims if not c.is_gold]
    gold = [c for c in claims if c.is_gold]
    ids = {u.pk for u in annotators}
    dis = claim_disagreements(own, ids, by_id)  # type: ignore[arg-type]  # duck-typed rows
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
        by_annotator = {r.annotator_id: r for r in labels if not r.is_gold}
        votes = [ReplyVote(u, by_annotator.get(u.pk)) for u in annotators]
        given = {u.pk: r.label_id for u in annotators if (r := by_annotator.get(u.pk))}
        reply_dis = reply_disagrees(given, ids)
        review.reply = ReplyReview(
            votes=votes,
            majority_id=majority(list(given.values())),
            gold=next((r for r in labels if r.is_gold), None),
            dis=reply_dis,
            seen=reply_labels_fingerprint(
                [(v.annotator.get_username(), v.label.label_id) for v in votes if v.label]
            ),
        )
        review.dis += int(reply_dis)
    return review


def review_thread_get(*, user: AbstractBaseUser, article_id: int) -> ReviewThread:
    """The thread as a reviewer settles it: every annotator's claims and reply labels and the
    gold ones, per text, in display order. Seven queries whatever its size, or 404 when ``user``
    does not review its corpus."""
    article = get_thread_for_reviewer(user, article_id)  # type: ignore[arg-type]
    comments = list(Comment.objects.filter(article=article).order_by("position"))
    for comment in comments:
        comment.article = article
    schema = schema_get(corpus_id=article.corpus_id)
    claims = _claim_rows(
        Claim.objects.filter(article=article).order_by("start", "end", "id"), schema, {}
    )
    labels = _reply_rows(ReplyLabel.objects.filter(article=article), schema, {})
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
    """One text as the review page shows it, for the fragment a gold change returns: three
    queries (its claims, its reply labels, the people), four when its claims target claims in
    other texts."""
    claims = _claim_rows(
        Claim.objects.filter(article=article, comment=comment).order_by("start", "end", "id"),
        schema,
        {},
    )
    target_ids = {c.target_claim_id for c in claims if c.target_claim_id} - {c.pk for c in claims}
    targets = _claim_rows(Claim.objects.filter(pk__in=target_ids), schema, {}) if target_ids else []
    labels = (
        _reply_rows(ReplyLabel.objects.filter(comment=comment), schema, {})
        if comment is not None
        else []
    )
    annotators, users = _thread_people(article.pk, claims, labels)
    _name(claims, labels, users)
    by_id = {c.pk: c for c in (*targets, *claims)}
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
