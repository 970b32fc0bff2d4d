"""The rows an import hands from checking to writing: one batch's threads, checked.

Plain data, no behaviour: :mod:`.checking` builds them from the records (label
names already turned into ids, claims already given their insert round),
:mod:`.writing` inserts them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from threads.formats.records import CommentRecord, ThreadRecord

# A time as the import writes it: an aware datetime, or the text of a UTC time
# as the exports write it, passed to the database as it is (see checking._timestamp).
Timestamp = datetime | str


@dataclass(slots=True)
class CheckedRelation:
    """A claim's relation in the file, its type as an id of the corpus schema."""

    type_id: int
    other: Any  # local id of the other claim, in the same section
    annotator: str  # the claim's annotator; gold: the reviewer who settled the relation
    source: str | None = None  # gold only: the annotator it was accepted from (None: drawn)


@dataclass(slots=True)
class CheckedClaim:
    """A claim of the file, its labels as ids of the corpus schema."""

    local_id: Any  # the claim's id in the file, unique within its section
    annotator: str  # gold: the reviewer who settled it (the file's "settled_by")
    comment: str | None  # external id of the comment, None for the article body
    start: int
    end: int
    quote: str
    claim_type_id: int
    stance_id: int
    stance_target_id: int | None
    target: Any  # local id of the target claim, or None
    note: str
    created_at: Timestamp
    updated_at: Timestamp
    is_gold: bool
    level: int = 0  # insert round: 0 without a target claim, else its target's level + 1
    source: str | None = None  # gold only: the annotator it was accepted from (None: drawn)
    attributes: dict[str, str] = field(default_factory=dict)
    relations: list[CheckedRelation] = field(default_factory=list)


@dataclass(slots=True)
class CheckedReplyLabel:
    """A reply label of the file, its label as an id of the corpus schema."""

    annotator: str
    comment: str  # external id of the comment
    label_id: int
    is_gold: bool
    created_at: Timestamp
    updated_at: Timestamp
    source: str | None = None  # gold only: the annotator it was accepted from (None: chosen)
    toward: str = "parent"  # or "root": the thread's article


@dataclass
class CheckedThread:
    """A thread of the file that is not yet in the corpus, checked and ready to write."""

    record: ThreadRecord
    comments: list[CommentRecord]  # display order, depth set
    claims: list[CheckedClaim]
    reply_labels: list[CheckedReplyLabel]
    file: str
    orphans_attached: int = 0
    orphans_skipped: int = 0
