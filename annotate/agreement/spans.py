"""Span matching between two annotators: exact and overlap matches, one to one.

Both feed span F1 (``2m / (|A| + |B|)``); the overlap matches also pair up the claims whose
stances are compared.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from annotate.agreement.records import ClaimRecord, TextKey

ClaimOrder = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class TypeCounts:
    """Span F1 counts for one claim type: matches and each annotator's number of claims."""

    matches: int
    n_first: int
    n_second: int


def exact_match_counts(
    first: Sequence[ClaimRecord], second: Sequence[ClaimRecord]
) -> dict[str, TypeCounts]:
    """Per claim type, matches on the same text, start, end and type, one to one.

    One to one over a multiset: two identical claims of one annotator match at most two of
    the other's, never one claim twice.
    """
    first_spans = Counter((c.text_key, c.start, c.end, c.claim_type) for c in first)
    second_spans = Counter((c.text_key, c.start, c.end, c.claim_type) for c in second)
    matched: Counter[str] = Counter()
    for span, count in (first_spans & second_spans).items():
        matched[span[3]] += count
    return _counts_by_type(first, second, matched)


def overlap_matches(
    first: Sequence[ClaimRecord],
    second: Sequence[ClaimRecord],
    text_index: Mapping[TextKey, int],
) -> list[tuple[ClaimRecord, ClaimRecord]]:
    """Claims of the same text and type sharing at least one code point, matched greedily.

    Candidates are taken by the largest overlap first; ties go to the first annotator's
    earlier claim (by text in display order, start, end, then export position), then to
    the second's. A claim is in at most one match. Texts and types never mix, so each
    (text, type) group is matched on its own, which gives the same result as one global
    greedy pass.
    """
    first_groups = _by_text_and_type(first)
    second_groups = _by_text_and_type(second)
    matches: list[tuple[ClaimRecord, ClaimRecord]] = []
    for group, first_claims in first_groups.items():
        second_claims = second_groups.get(group)
        if not second_claims:
            continue
        candidates: list[tuple[int, ClaimOrder, ClaimOrder, int, int]] = []
        for i, a in enumerate(first_claims):
            for j, b in enumerate(second_claims):
                overlap = min(a.end, b.end) - max(a.start, b.start)
                if overlap > 0:
                    candidates.append(
                        (-overlap, claim_order(a, text_index), claim_order(b, text_index), i, j)
                    )
        candidates.sort()
        used_first: set[int] = set()
        used_second: set[int] = set()
        for _, _, _, i, j in candidates:
            if i in used_first or j in used_second:
                continue
            used_first.add(i)
            used_second.add(j)
            matches.append((first_claims[i], second_claims[j]))
    matches.sort(key=lambda pair: claim_order(pair[0], text_index))
    return matches


def overlap_match_counts(
    first: Sequence[ClaimRecord],
    second: Sequence[ClaimRecord],
    matches: Sequence[tuple[ClaimRecord, ClaimRecord]],
) -> dict[str, TypeCounts]:
    """Per claim type, the overlap matches and each annotator's number of claims."""
    matched = Counter(a.claim_type for a, _ in matches)
    return _counts_by_type(first, second, matched)


def claim_order(claim: ClaimRecord, text_index: Mapping[TextKey, int]) -> ClaimOrder:
    """The tie-break order of a claim: text in display order, start, end, export position."""
    return (text_index[claim.text_key], claim.start, claim.end, claim.order)


def _by_text_and_type(
    claims: Sequence[ClaimRecord],
) -> dict[tuple[TextKey, str], list[ClaimRecord]]:
    groups: defaultdict[tuple[TextKey, str], list[ClaimRecord]] = defaultdict(list)
    for claim in claims:
        groups[(claim.text_key, claim.claim_type)].append(claim)
    return groups


def _counts_by_type(
    first: Sequence[ClaimRecord], second: Sequence[ClaimRecord], matched: Counter[str]
) -> dict[str, TypeCounts]:
    first_totals = Counter(c.claim_type for c in first)
    second_totals = Counter(c.claim_type for c in second)
    return {
        claim_type: TypeCounts(
            matches=matched[claim_type],
            n_first=first_totals[claim_type],
            n_second=second_totals[claim_type],
        )
        for claim_type in sorted(first_totals | second_totals)
    }
