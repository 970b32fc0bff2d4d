"""Nominal agreement on labels: Krippendorff's alpha and Cohen's kappa, in exact arithmetic.

Why not the ``krippendorff`` package: it is licensed GPL-3.0-or-later, and Threadlab is
Apache-2.0 with "no GPL-only packages" in its design. It would also need the unpairable
comments taken out first (a label seen only in a unit of one value widens its value domain
and turns a defined alpha into 0/0), and it works in floating point, while the figures must
equal an exact reference to 1e-9. The coincidence-matrix formula below is a dozen lines of
``fractions.Fraction`` arithmetic, so it is written out here instead; the tests check it on
Krippendorff's published examples and against a straightforward re-computation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction


def nominal_alpha(units: Iterable[Sequence[str]]) -> Fraction | None:
    """Krippendorff's alpha, nominal, over units each given as the labels it received.

    ``alpha = 1 - (n-1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k`` where ``o`` is the
    coincidence matrix: a unit with ``m`` labels adds ``n_uc * n_uk / (m-1)`` to ``o_ck``.
    A unit with fewer than two labels is not pairable and drops out. ``None`` when nothing
    is pairable or a single value is used throughout (the denominator is then 0).

    ``sum_{c!=k} o_ck`` for one unit is ``(m^2 - sum_c n_uc^2) / (m-1)``, so the matrix
    itself is never built: only its off-diagonal total and the value totals ``n_c``.
    """
    # Integer sums per unit size, so a corpus of many comments costs one Fraction per size.
    disagreeing_pairs_by_size: Counter[int] = Counter()
    value_totals: Counter[str] = Counter()
    for labels in units:
        pairable = len(labels)
        if pairable < 2:
            continue
        counts = Counter(labels)
        value_totals.update(counts)
        same_value_pairs = sum(count * count for count in counts.values())
        disagreeing_pairs_by_size[pairable] += pairable * pairable - same_value_pairs
    disagreeing_coincidences = sum(
        (Fraction(pairs, size - 1) for size, pairs in disagreeing_pairs_by_size.items()),
        Fraction(0),
    )
    n = value_totals.total()
    expected_pairs = n * n - sum(total * total for total in value_totals.values())
    if expected_pairs == 0:
        return None
    return 1 - (n - 1) * disagreeing_coincidences / expected_pairs


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Two annotators on the items both labelled: how many, how often equal, Cohen's kappa."""

    n: int
    observed: Fraction | None
    kappa: Fraction | None


def pair_agreement(confusion: Mapping[tuple[str, str], int]) -> PairAgreement:
    """Observed agreement and Cohen's kappa from ``{(first's label, second's label): count}``.

    ``kappa = (p_o - p_e) / (1 - p_e)`` with ``p_e`` from each annotator's own marginals.
    ``observed`` is ``None`` with no item; ``kappa`` also when ``p_e = 1`` (both used one
    and the same label throughout, so chance explains everything and nothing is left).
    """
    n = sum(confusion.values())
    if n == 0:
        return PairAgreement(n=0, observed=None, kappa=None)
    first_totals: Counter[str] = Counter()
    second_totals: Counter[str] = Counter()
    agreeing = 0
    for (first_label, second_label), count in confusion.items():
        first_totals[first_label] += count
        second_totals[second_label] += count
        if first_label == second_label:
            agreeing += count
    observed = Fraction(agreeing, n)
    expected = Fraction(
        sum(total * second_totals[label] for label, total in first_totals.items()), n * n
    )
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return PairAgreement(n=n, observed=observed, kappa=kappa)
