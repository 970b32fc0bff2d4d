"""Plain input records for the agreement computation.

The caller (a selector that reads the database, a test, a benchmark) fills these; nothing
here knows about models, so the numbers can be checked without a database and recomputed
from an export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

TextKey = int | str | None
"""A text of a thread: ``None`` for the article body, else the comment's id."""

DEPTH_BUCKETS: tuple[str, ...] = ("1", "2", "3", "4+")
"""Comment depths as reported; deeper threads are rare enough to share one bucket."""

DEFAULT_TARGET_KINDS: tuple[str, ...] = ("thesis", "parent", "claim")
"""Stance targets that always get a ``by_target`` entry, even when no claim uses them."""


@dataclass(frozen=True, slots=True)
class Text:
    """One text of a thread, given in display order (article body first).

    ``depth`` is 0 for the article body and 1 for a top-level comment, 2 for a reply to
    one, and so on (the stored 0-based comment depth + 1). ``length`` counts code points.
    """

    key: TextKey
    length: int
    depth: int


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """One annotator's claim: a span ``[start, end)`` in code points of one text.

    ``target_kind`` is the stance target's kind: ``"thesis"``, ``"parent"``, ``"claim"`` (a
    specific earlier claim), or another schema target name. ``order`` is the claim's
    position in the export; it only breaks ties, so any stable increasing number will do.
    """

    annotator: str
    text_key: TextKey
    start: int
    end: int
    claim_type: str
    stance: str
    target_kind: str
    order: int


@dataclass(frozen=True, slots=True)
class ReplyLabelRecord:
    """How one annotator labelled one comment's relation to its parent (or to the root)."""

    annotator: str
    comment_key: TextKey
    label: str
    toward: str = "parent"


@dataclass(frozen=True, slots=True)
class ThreadStudy:
    """Everything the agreement figures of one thread depend on.

    ``annotators`` is given by the caller (anyone with a claim or reply label in the thread,
    or a done assignment; never gold): an annotator without a single claim still counts,
    in alpha_U as a continuum that is one gap. Annotators named only by a claim or a label
    are added, since by definition they annotated the thread.

    ``reply_directions`` are the directions the corpus schema labels (``"parent"``,
    ``"root"``); left empty, the directions present in ``reply_labels`` are used. Passing
    the schema's directions keeps ``reply_labels`` meaning the same direction in every
    thread, even one where only the other direction has labels so far.
    """

    texts: Sequence[Text]
    claims: Sequence[ClaimRecord]
    reply_labels: Sequence[ReplyLabelRecord]
    annotators: Sequence[str]
    reply_directions: Sequence[str] = field(default=())


def pair_key(first: str, second: str) -> str:
    """The ``"a|b"`` key of a pair of usernames, ``a < b``."""
    low, high = sorted((first, second))
    return f"{low}|{high}"


def annotator_pairs(annotators: Sequence[str]) -> list[tuple[str, str]]:
    """Every pair of distinct annotators as ``(first, second)`` with ``first < second``."""
    names = sorted(set(annotators))
    return [(a, b) for index, a in enumerate(names) for b in names[index + 1 :]]


def depth_bucket(depth: int) -> str | None:
    """The reported depth bucket of a text; the article body (depth 0) is in none."""
    if depth <= 0:
        return None
    return str(depth) if depth < 4 else "4+"
