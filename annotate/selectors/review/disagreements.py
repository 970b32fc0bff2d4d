"""Disagreements among a thread's annotators, worked out in Python from rows already read
(see the package's docstring for the rules)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from annotate.models import Claim


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
