"""Thread figures: the JSON-able piece of one thread that every report is rendered from.

A corpus report pools counts across threads, so a thread's piece keeps counts, not
ratios: per comment the reply labels it received, per annotator pair the span F1 counts by
claim type and the stance labels of its overlap-matched claims. alpha_U does not pool (the
corpus figures are means over threads), so its thread figures are kept as they are. A
caller can store the piece per thread (as JSON) and rebuild the corpus report from stored
pieces, recomputing only the threads that changed; reports rendered from a fresh piece or
from one that went through ``json.dumps``/``json.loads`` are equal.

Piece layout (``version`` 1)::

    annotators       sorted usernames
    n_claims         number of claims given
    reply_directions directions declared by the caller or present in the labels
    reply_units      {direction: [[comment key, depth bucket, {annotator: label}], ...]},
                     only comments labelled by two or more annotators: the others pair with
                     nobody, so no alpha or kappa can use them
    alpha_u          {"pooled": {alpha, d_o, d_e, per_type}, "pairwise": {"a|b": alpha}}
    span_f1          {"exact" | "overlap": {"a|b": {claim type: [matches, n_first, n_second]}}}
    stance           {"a|b": [[stance of a, stance of b, depth bucket, target kind of a,
                               target kind of b, count], ...]}
    target_kinds     the stance target kinds used by any claim

Per pair kappa confusion counts are not stored: they are a projection of ``reply_units``
(which alpha and the depth buckets need anyway), and storing both would let them drift.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from annotate.agreement.records import (
    ClaimRecord,
    ReplyLabelRecord,
    Text,
    TextKey,
    ThreadStudy,
    annotator_pairs,
    depth_bucket,
    pair_key,
)
from annotate.agreement.spans import (
    TypeCounts,
    exact_match_counts,
    overlap_match_counts,
    overlap_matches,
)
from annotate.agreement.unitizing import UnitizingResult, continuum_units, thread_unitizing

PIECE_VERSION = 1


def thread_figures(study: ThreadStudy) -> dict[str, Any]:
    """The piece of one thread: everything its report and its share of a corpus need."""
    text_index = _text_index(study.texts)
    depths = {text.key: text.depth for text in study.texts}
    annotators = sorted(
        set(study.annotators)
        | {claim.annotator for claim in study.claims}
        | {label.annotator for label in study.reply_labels}
    )
    claims_by_annotator: defaultdict[str, list[ClaimRecord]] = defaultdict(list)
    for claim in study.claims:
        claims_by_annotator[claim.annotator].append(claim)

    length, units = continuum_units(study.texts, study.claims)
    pooled, pairwise = thread_unitizing(length, annotators, units)

    exact: dict[str, dict[str, list[int]]] = {}
    overlap: dict[str, dict[str, list[int]]] = {}
    stance: dict[str, list[list[Any]]] = {}
    for first, second in annotator_pairs(annotators):
        key = pair_key(first, second)
        first_claims = claims_by_annotator.get(first, [])
        second_claims = claims_by_annotator.get(second, [])
        matches = overlap_matches(first_claims, second_claims, text_index)
        exact[key] = _counts_json(exact_match_counts(first_claims, second_claims))
        overlap[key] = _counts_json(overlap_match_counts(first_claims, second_claims, matches))
        stance[key] = _stance_json(matches, depths)

    directions, reply_units = _reply_units(study.reply_labels, study.reply_directions, depths)
    return {
        "version": PIECE_VERSION,
        "annotators": annotators,
        "n_claims": len(study.claims),
        "reply_directions": directions,
        "reply_units": reply_units,
        "alpha_u": {
            "pooled": _pooled_json(pooled),
            "pairwise": {
                pair_key(a, b): _float(result.alpha) for (a, b), result in pairwise.items()
            },
        },
        "span_f1": {"exact": exact, "overlap": overlap},
        "stance": stance,
        "target_kinds": sorted({claim.target_kind for claim in study.claims}),
    }


def _text_index(texts: Iterable[Text]) -> dict[TextKey, int]:
    index: dict[TextKey, int] = {}
    for position, text in enumerate(texts):
        if text.key in index:
            raise ValueError(f"text {text.key!r} given twice")
        index[text.key] = position
    return index


def _reply_units(
    labels: Iterable[ReplyLabelRecord],
    declared: Iterable[str],
    depths: dict[TextKey, int],
) -> tuple[list[str], dict[str, list[list[Any]]]]:
    by_comment: defaultdict[tuple[str, TextKey], dict[str, str]] = defaultdict(dict)
    for label in labels:
        if label.comment_key is None or label.comment_key not in depths:
            raise ValueError(f"reply label on unknown comment {label.comment_key!r}")
        received = by_comment[(label.toward, label.comment_key)]
        if label.annotator in received:
            raise ValueError(
                f"{label.annotator} labelled comment {label.comment_key!r} "
                f"toward {label.toward} twice"
            )
        received[label.annotator] = label.label
    directions = sorted(set(declared) | {toward for toward, _ in by_comment})
    units: dict[str, list[list[Any]]] = {direction: [] for direction in directions}
    for (toward, comment_key), received in by_comment.items():
        if len(received) >= 2:
            bucket = depth_bucket(depths[comment_key])
            units[toward].append([comment_key, bucket, dict(sorted(received.items()))])
    return directions, units


def _counts_json(counts: dict[str, TypeCounts]) -> dict[str, list[int]]:
    return {claim_type: [c.matches, c.n_first, c.n_second] for claim_type, c in counts.items()}


def _stance_json(
    matches: Iterable[tuple[ClaimRecord, ClaimRecord]], depths: dict[TextKey, int]
) -> list[list[Any]]:
    tally: Counter[tuple[str, str, str | None, str, str]] = Counter(
        (a.stance, b.stance, depth_bucket(depths[a.text_key]), a.target_kind, b.target_kind)
        for a, b in matches
    )
    # Sorted with None first so that equal tallies always give equal JSON.
    ordered = sorted(tally.items(), key=lambda item: tuple((v is not None, v) for v in item[0]))
    return [[*key, count] for key, count in ordered]


def _pooled_json(result: UnitizingResult) -> dict[str, Any]:
    return {
        "alpha": _float(result.alpha),
        "d_o": _float(result.observed),
        "d_e": _float(result.expected),
        "per_type": {category: float(alpha) for category, alpha in result.per_category.items()},
    }


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)
