"""The review page's pieces: the rows it shows (claims and reply labels as plain values) and
one text of the thread put together from them, with its lanes and disagreements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Q, When

from annotate.models import Assignment, ReviewStatus, ThreadReview
from annotate.selectors.relations import RelationsByClaim
from annotate.selectors.review.disagreements import claim_disagreements, reply_disagrees
from annotate.selectors.schema import Schema
from annotate.selectors.workspace import Segment, text_segments
from annotate.services.gold import majority, reply_labels_fingerprint
from threads.models import Article, Comment

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
    # The relations of its claims (annotators' and gold), by the claim they start from; may be
    # shared with the other texts of the page.
    relations: RelationsByClaim = field(default_factory=dict)

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


def claim_rows(claims: Any, schema: Schema, names: dict[int, str]) -> list[ClaimRow]:
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


def reply_rows(labels: Any, schema: Schema, names: dict[int, str]) -> list[ReplyRow]:
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


def thread_people(
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


def name_rows(claims: list[ClaimRow], labels: list[ReplyRow], users: dict[int, Any]) -> None:
    for claim in claims:
        claim.annotator = users[claim.annotator_id].get_username()
        claim.source = users[claim.source_id].get_username() if claim.source_id else ""
    for label in labels:
        label.annotator = users[label.annotator_id].get_username()
        label.source = users[label.source_id].get_username() if label.source_id else ""


def build_text(
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
