"""Thread and corpus agreement reports, rendered from thread figures ("pieces").

Both levels go through the same rendering: a thread report is the report of a one-piece
level, a corpus report pools the counts of all its pieces. Only alpha_U differs: it does
not pool, so the corpus reports means over threads. That single path is what keeps
``corpus_report`` and ``corpus_report_from_pieces`` equal.

Choices where the design leaves room, all documented here because they change numbers:

* A level's annotators are the union of its threads' annotators; every pair of them is
  reported. A pair that never shared a thread pools nothing and gets ``None`` figures.
* ``reply_labels`` is the ``parent`` direction when the level has it (declared by the
  caller or present in the labels), else its only direction. ``reply_labels_by_direction``
  appears when the level has more than one direction. ``by_depth`` and ``matrix.kappa`` use
  the ``reply_labels`` direction.
* ``by_target``: an overlap-matched claim pair counts under the target kind of each of its
  two claims, and once when both claims share it: the pair is evidence about agreement on
  each kind it touches, and counting it twice under one kind would weigh it double.
  ``thesis``, ``parent`` and ``claim`` are always reported, plus any other kind a claim uses.
* ``by_depth`` buckets by the depth of the commented text (1, 2, 3, 4+); the article body
  is in no bucket.
* ``span_f1.*.per_type_micro`` lists the claim types any pair of the level has a claim of;
  ``alpha_u.per_type`` (and the corpus ``per_type_thread_mean``) the types with a unit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from annotate.agreement.figures import PIECE_VERSION, thread_figures
from annotate.agreement.nominal import PairAgreement, nominal_alpha, pair_agreement
from annotate.agreement.records import (
    DEFAULT_TARGET_KINDS,
    DEPTH_BUCKETS,
    ThreadStudy,
    annotator_pairs,
    pair_key,
)

Piece = Mapping[str, Any]
StanceKey = tuple[str, str, str | None, str, str]


def thread_report(study: ThreadStudy) -> dict[str, Any]:
    """The agreement figures of one thread."""
    return thread_report_from_piece(thread_figures(study))


def thread_report_from_piece(piece: Piece) -> dict[str, Any]:
    """The agreement figures of one thread, from its stored piece."""
    _check_version(piece)
    report = _render_level([piece])
    report["claims"]["alpha_u"] = _thread_alpha_u(piece, report["annotators"])
    return _ordered(report)


def corpus_report(studies: Mapping[str, ThreadStudy]) -> dict[str, Any]:
    """``{"corpus": {...}, "threads": {thread id: {...}}}`` for a corpus's threads."""
    return corpus_report_from_pieces({key: thread_figures(s) for key, s in studies.items()})


def corpus_report_from_pieces(pieces: Mapping[str, Piece]) -> dict[str, Any]:
    """The same report as ``corpus_report``, from thread figures stored earlier."""
    return {
        "corpus": corpus_level_from_pieces(pieces),
        "threads": {key: thread_report_from_piece(pieces[key]) for key in sorted(pieces)},
    }


def corpus_level_from_pieces(pieces: Mapping[str, Piece]) -> dict[str, Any]:
    """Only the ``corpus`` part of the report: a caller that keeps each thread's report
    beside its piece renders the corpus level alone when one thread changed."""
    ordered_pieces = [pieces[key] for key in sorted(pieces)]
    for piece in ordered_pieces:
        _check_version(piece)
    corpus = _render_level(ordered_pieces)
    corpus["claims"]["alpha_u"] = _corpus_alpha_u(ordered_pieces, corpus["annotators"])
    return _ordered(corpus)


def _check_version(piece: Piece) -> None:
    """A piece stored by another layout would pool wrongly, so it is refused, not guessed at."""
    if piece.get("version") != PIECE_VERSION:
        raise ValueError(
            f"thread figures of version {piece.get('version')!r}, expected {PIECE_VERSION}: "
            "recompute them with thread_figures"
        )


def _render_level(pieces: Sequence[Piece]) -> dict[str, Any]:
    annotators = sorted({name for piece in pieces for name in piece["annotators"]})
    pairs = [pair_key(a, b) for a, b in annotator_pairs(annotators)]

    directions = sorted({d for piece in pieces for d in piece["reply_directions"]})
    headline = "parent" if "parent" in directions or not directions else directions[0]
    units_by_direction = {
        direction: [unit for piece in pieces for unit in piece["reply_units"].get(direction, [])]
        for direction in {*directions, headline}
    }
    headline_units = units_by_direction[headline]
    reply_labels = _reply_section(headline_units, pairs)

    stance_tallies = _pooled_stance(pieces, pairs)
    target_kinds = sorted(
        {*DEFAULT_TARGET_KINDS, *(kind for piece in pieces for kind in piece["target_kinds"])}
    )
    span_f1 = {kind: _f1_section(pieces, pairs, kind) for kind in ("exact", "overlap")}

    report: dict[str, Any] = {
        "annotators": annotators,
        "reply_labels": reply_labels,
        "claims": {
            "n_claims": sum(piece["n_claims"] for piece in pieces),
            "alpha_u": None,
            "span_f1": span_f1,
            "stance": _stance_section(stance_tallies, lambda key: True),
        },
        "by_depth": {
            bucket: {
                "reply_labels": _reply_section(
                    [unit for unit in headline_units if unit[1] == bucket], pairs
                ),
                "stance": _stance_section(stance_tallies, _in_bucket(bucket)),
            }
            for bucket in DEPTH_BUCKETS
        },
        "by_target": {
            kind: {"stance": _stance_section(stance_tallies, _touches_target(kind))}
            for kind in target_kinds
        },
        "matrix": {
            "kappa": {pair: reply_labels["kappa_pairwise"][pair]["kappa"] for pair in pairs},
            "f1": {pair: span_f1["overlap"]["pairwise"][pair]["f1"] for pair in pairs},
        },
    }
    if len(directions) > 1:
        report["reply_labels_by_direction"] = {
            direction: _reply_section(units_by_direction[direction], pairs)
            for direction in directions
        }
    return report


def _reply_section(units: Sequence[Sequence[Any]], pairs: Sequence[str]) -> dict[str, Any]:
    """Alpha over the comments, and kappa for each pair over the comments both labelled."""
    confusions: dict[str, Counter[tuple[str, str]]] = {pair: Counter() for pair in pairs}
    for _, _, received in units:
        names = sorted(received)
        for index, first in enumerate(names):
            for second in names[index + 1 :]:
                confusions[f"{first}|{second}"][(received[first], received[second])] += 1
    agreements = {pair: pair_agreement(confusion) for pair, confusion in confusions.items()}
    return {
        "alpha_nominal": _float(nominal_alpha(list(unit[2].values()) for unit in units)),
        "kappa_mean_pairwise": _mean(agreement.kappa for agreement in agreements.values()),
        "kappa_pairwise": {pair: _pair_json(agreement) for pair, agreement in agreements.items()},
    }


def _pair_json(agreement: PairAgreement) -> dict[str, Any]:
    return {
        "n": agreement.n,
        "observed": _float(agreement.observed),
        "kappa": _float(agreement.kappa),
    }


def _pooled_stance(pieces: Sequence[Piece], pairs: Sequence[str]) -> dict[str, Counter[StanceKey]]:
    tallies: dict[str, Counter[StanceKey]] = {pair: Counter() for pair in pairs}
    for piece in pieces:
        for pair, rows in piece["stance"].items():
            for first, second, bucket, first_target, second_target, count in rows:
                tallies[pair][(first, second, bucket, first_target, second_target)] += count
    return tallies


def _in_bucket(bucket: str) -> Callable[[StanceKey], bool]:
    return lambda key: key[2] == bucket


def _touches_target(kind: str) -> Callable[[StanceKey], bool]:
    return lambda key: kind in (key[3], key[4])


def _stance_section(
    tallies: Mapping[str, Counter[StanceKey]], keep: Callable[[StanceKey], bool]
) -> dict[str, Any]:
    """Stance agreement on the kept overlap-matched claim pairs of every annotator pair."""
    pairwise: dict[str, dict[str, Any]] = {}
    kappas: list[Fraction | None] = []
    matched = agreeing = 0
    for pair, tally in tallies.items():
        confusion: Counter[tuple[str, str]] = Counter()
        for key, count in tally.items():
            if keep(key):
                confusion[(key[0], key[1])] += count
        agreement = pair_agreement(confusion)
        pairwise[pair] = _pair_json(agreement)
        kappas.append(agreement.kappa)
        matched += agreement.n
        agreeing += sum(count for (first, second), count in confusion.items() if first == second)
    return {
        "n_matched": matched,
        "observed": _float(Fraction(agreeing, matched)) if matched else None,
        "kappa_mean_pairwise": _mean(kappas),
        "pairwise": pairwise,
    }


def _f1_section(pieces: Sequence[Piece], pairs: Sequence[str], kind: str) -> dict[str, Any]:
    """Span F1 = 2m / (|A| + |B|) per pair, with counts pooled over the level's threads."""
    by_pair: dict[str, Counter[str]] = {pair: Counter() for pair in pairs}
    by_type: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for piece in pieces:
        for pair, types in piece["span_f1"][kind].items():
            for claim_type, (matches, n_first, n_second) in types.items():
                for counter in (by_pair[pair], by_type[claim_type]):
                    counter.update(matches=matches, n_first=n_first, n_second=n_second)
    pairwise = {
        pair: {
            "f1": _f1(counts),
            "matches": counts["matches"],
            "n_first": counts["n_first"],
            "n_second": counts["n_second"],
        }
        for pair, counts in by_pair.items()
    }
    total: Counter[str] = sum(by_pair.values(), Counter())
    return {
        "mean_pairwise": _mean(_exact_f1(counts) for counts in by_pair.values()),
        "micro": _f1(total),
        "per_type_micro": {claim_type: _f1(by_type[claim_type]) for claim_type in sorted(by_type)},
        "pairwise": pairwise,
    }


def _exact_f1(counts: Mapping[str, int]) -> Fraction | None:
    claims = counts.get("n_first", 0) + counts.get("n_second", 0)
    return Fraction(2 * counts.get("matches", 0), claims) if claims else None


def _f1(counts: Mapping[str, int]) -> float | None:
    return _float(_exact_f1(counts))


def _thread_alpha_u(piece: Piece, annotators: Sequence[str]) -> dict[str, Any]:
    pairwise = piece["alpha_u"]["pairwise"]
    pooled = piece["alpha_u"]["pooled"]
    return {
        "pooled": {
            "alpha": pooled["alpha"],
            "d_o": pooled["d_o"],
            "d_e": pooled["d_e"],
            "per_type": dict(pooled["per_type"]),
        },
        "pairwise": {
            pair_key(a, b): pairwise.get(pair_key(a, b)) for a, b in annotator_pairs(annotators)
        },
    }


def _corpus_alpha_u(pieces: Sequence[Piece], annotators: Sequence[str]) -> dict[str, Any]:
    """alpha_U does not pool across threads (each has its own continuum): means over threads."""
    per_type: defaultdict[str, list[float]] = defaultdict(list)
    for piece in pieces:
        for claim_type, alpha in piece["alpha_u"]["pooled"]["per_type"].items():
            per_type[claim_type].append(alpha)
    return {
        "thread_mean": _mean(piece["alpha_u"]["pooled"]["alpha"] for piece in pieces),
        "per_type_thread_mean": {
            claim_type: _mean(values) for claim_type, values in sorted(per_type.items())
        },
        "pairwise_thread_mean": {
            pair_key(a, b): _mean(
                piece["alpha_u"]["pairwise"].get(pair_key(a, b)) for piece in pieces
            )
            for a, b in annotator_pairs(annotators)
        },
    }


def _mean(values: Iterable[Fraction | float | None]) -> float | None:
    """The mean of the defined values, exactly, then as a float; ``None`` when none is."""
    defined = [Fraction(value) for value in values if value is not None]
    if not defined:
        return None
    return float(sum(defined, Fraction(0)) / len(defined))


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _ordered(report: dict[str, Any]) -> dict[str, Any]:
    """Keys in the documented order, so a printed report reads the same every time."""
    order = [
        "annotators",
        "reply_labels",
        "reply_labels_by_direction",
        "claims",
        "by_depth",
        "by_target",
        "matrix",
    ]
    return {key: report[key] for key in order if key in report}
