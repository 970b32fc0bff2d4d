"""Short ways to write records in tests, so a case reads like its hand computation."""

from __future__ import annotations

from collections.abc import Sequence

from annotate.agreement import ClaimRecord, ReplyLabelRecord, Text, ThreadStudy
from annotate.agreement.records import TextKey
from annotate.agreement.unitizing import Unit

_order = iter(range(10**9))


def claim(
    annotator: str,
    start: int,
    end: int,
    claim_type: str = "claim",
    *,
    text: TextKey = None,
    stance: str = "support",
    target: str = "thesis",
    order: int | None = None,
) -> ClaimRecord:
    """A claim; ``order`` defaults to a fresh increasing number, as an export would give."""
    return ClaimRecord(
        annotator=annotator,
        text_key=text,
        start=start,
        end=end,
        claim_type=claim_type,
        stance=stance,
        target_kind=target,
        order=next(_order) if order is None else order,
    )


def label(annotator: str, comment: TextKey, value: str, toward: str = "parent") -> ReplyLabelRecord:
    return ReplyLabelRecord(annotator=annotator, comment_key=comment, label=value, toward=toward)


def study(
    texts: Sequence[Text] | int,
    claims: Sequence[ClaimRecord] = (),
    labels: Sequence[ReplyLabelRecord] = (),
    annotators: Sequence[str] = (),
    directions: Sequence[str] = (),
) -> ThreadStudy:
    """A thread; an int for ``texts`` means just an article body of that length."""
    if isinstance(texts, int):
        texts = [Text(key=None, length=texts, depth=0)]
    return ThreadStudy(
        texts=list(texts),
        claims=list(claims),
        reply_labels=list(labels),
        annotators=list(annotators),
        reply_directions=list(directions),
    )


def comments(*depths: int, length: int = 10, article_length: int = 10) -> list[Text]:
    """An article body, then comments 1, 2, ... with the given depths (1 = top level)."""
    texts = [Text(key=None, length=article_length, depth=0)]
    texts += [Text(key=n, length=length, depth=d) for n, d in enumerate(depths, start=1)]
    return texts


def unit(rater: str, category: str, begin: int, length: int) -> Unit:
    """A unit given as DKPro's tests give it: offset and length."""
    return Unit(rater=rater, category=category, begin=begin, end=begin + length)
