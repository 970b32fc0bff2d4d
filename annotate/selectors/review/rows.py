"""What the review page reads of each claim and reply label, and the shapes it shows them in
(with the relations of each text's claims)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, DateTimeField, F, When

from annotate.models import ReviewStatus, ThreadReview
from annotate.selectors.relations import RelationsByClaim
from annotate.selectors.schema import Schema
from annotate.selectors.workspace import Segment, text_segments
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
_REPLY_COLUMNS = (
    "id",
    "annotator_id",
    "comment_id",
    "label_id",
    "is_gold",
    "gold_at",
    "source_id",
    "toward",
)


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
    toward: str
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
    """The annotators' reply labels on one comment in one direction (``toward``: ``parent`` or
    ``root``), their majority and the gold one."""

    toward: str
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
    replies: list[ReplyReview] = field(default_factory=list)  # a comment's, one per direction
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
