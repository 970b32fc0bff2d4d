"""Krippendorff's unitized alpha (alpha_U), as DKPro Statistics computes it.

DKPro's ``KrippendorffAlphaUnitizingAgreement`` compares every unit and gap of one rater with
every unit and gap of another, and for D_e walks every unit against every gap. Threads here
are small but a corpus has a thousand of them, so the same sums are taken in a way that
scales:

* D_o for one pair of raters is a single sweep over their two sorted tilings. Only two kinds
  of segment pairs weigh anything: two units that share a position, and a unit lying wholly
  inside a gap of the other rater; since the units of one rater and category never overlap,
  a unit lies inside the other's gap exactly when none of the other's units touches it.
* D_e's inner sum over gaps ``g >= l`` of ``g - l + 1`` is ``sum(g) - (l-1) * count`` over
  those gaps, read from suffix sums of the sorted gap lengths with ``bisect``.

Every sum is an integer, so the figures are exact ``Fraction``s until they are reported.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate

from annotate.agreement.records import ClaimRecord, Text

Interval = tuple[int, int]
"""A unit as ``(begin, end)`` on the continuum, ``end`` exclusive."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One rater's unit of one category on the continuum, ``[begin, end)``."""

    rater: str
    category: str
    begin: int
    end: int


@dataclass(frozen=True, slots=True)
class UnitizingResult:
    """alpha_U with its parts; all ``None`` (and no category) when it is undefined."""

    alpha: Fraction | None
    observed: Fraction | None
    expected: Fraction | None
    per_category: dict[str, Fraction]


UNDEFINED = UnitizingResult(alpha=None, observed=None, expected=None, per_category={})


def continuum_units(texts: Sequence[Text], claims: Iterable[ClaimRecord]) -> tuple[int, list[Unit]]:
    """Lay a thread's texts end to end and turn its claims into alpha_U units.

    The units are what INCEpTION hands DKPro: per annotator and text, claims in order of
    start ascending, longer first; a claim is left out when a claim of the same type seen
    before it (kept or not) still covers its start. Because every claim seen before starts
    no later, "covers its start" means the start lies before the furthest end seen so far.
    Returns the continuum length and the units with continuum offsets.
    """
    text_offsets: dict[object, int] = {}
    text_lengths: dict[object, int] = {}
    length = 0
    for text in texts:
        text_offsets[text.key] = length
        text_lengths[text.key] = text.length
        length += text.length
    grouped: defaultdict[tuple[str, object], list[ClaimRecord]] = defaultdict(list)
    for claim in claims:
        if claim.text_key not in text_offsets:
            raise ValueError(f"claim on unknown text {claim.text_key!r}")
        if not 0 <= claim.start < claim.end <= text_lengths[claim.text_key]:
            raise ValueError(
                f"claim [{claim.start}, {claim.end}) outside text {claim.text_key!r} "
                f"of length {text_lengths[claim.text_key]}"
            )
        grouped[(claim.annotator, claim.text_key)].append(claim)
    units: list[Unit] = []
    for (annotator, text_key), text_claims in grouped.items():
        offset = text_offsets[text_key]
        furthest_end: dict[str, int] = {}
        for claim in sorted(text_claims, key=lambda c: (c.start, c.start - c.end)):
            seen_end = furthest_end.get(claim.claim_type)
            if seen_end is None or claim.start >= seen_end:
                units.append(
                    Unit(annotator, claim.claim_type, offset + claim.start, offset + claim.end)
                )
            furthest_end[claim.claim_type] = max(claim.end, seen_end or 0)
    return length, units


def unitizing_alpha(length: int, raters: Sequence[str], units: Iterable[Unit]) -> UnitizingResult:
    """alpha_U of one study: all ``raters`` over a continuum ``[0, length)``.

    A rater without units still counts in R (their continuum is one gap). ``None`` figures
    when there are fewer than two raters or no unit at all.
    """
    return _Study(length, raters, units).pooled()


def thread_unitizing(
    length: int, raters: Sequence[str], units: Iterable[Unit]
) -> tuple[UnitizingResult, dict[tuple[str, str], UnitizingResult]]:
    """alpha_U pooled over all raters, and for each pair of raters as a study of its own.

    The pairwise studies share the pooled study's pair sweeps, so D_o is never swept twice.
    Pairs are ``(first, second)`` with ``first < second``.
    """
    study = _Study(length, raters, units)
    pooled = study.pooled()
    names = study.raters
    pairwise = {
        (first, second): study.for_pair(first, second)
        for index, first in enumerate(names)
        for second in names[index + 1 :]
    }
    return pooled, pairwise


class _Study:
    """Units sorted per category and rater, with the pair sweeps cached."""

    def __init__(self, length: int, raters: Sequence[str], units: Iterable[Unit]) -> None:
        self.length = length
        self.raters = sorted(set(raters))
        known = set(self.raters)
        tilings: defaultdict[str, defaultdict[str, list[Interval]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for unit in units:
            if unit.rater not in known:
                raise ValueError(f"unit of unknown rater {unit.rater!r}")
            if not 0 <= unit.begin < unit.end <= length:
                raise ValueError(f"unit [{unit.begin}, {unit.end}) outside [0, {length})")
            tilings[unit.category][unit.rater].append((unit.begin, unit.end))
        for by_rater in tilings.values():
            for intervals in by_rater.values():
                intervals.sort()
                for (_, end), (begin, _) in zip(intervals, intervals[1:], strict=False):
                    if begin < end:
                        raise ValueError("units of one rater and category overlap")
        self.tilings = tilings
        self._pair_sums: dict[tuple[str, str, str], int] = {}

    def pooled(self) -> UnitizingResult:
        return self._result(self.raters)

    def for_pair(self, first: str, second: str) -> UnitizingResult:
        return self._result([first, second])

    def _result(self, raters: list[str]) -> UnitizingResult:
        rater_count = len(raters)
        categories = sorted(
            category
            for category, by_rater in self.tilings.items()
            if any(by_rater.get(rater) for rater in raters)
        )
        if rater_count < 2 or not categories:
            return UNDEFINED
        observed: dict[str, Fraction] = {}
        expected: dict[str, Fraction] = {}
        per_category: dict[str, Fraction] = {}
        for category in categories:
            d_o = self._observed(category, raters)
            d_e = self._expected(category, raters)
            observed[category], expected[category] = d_o, d_e
            # DKPro's rule; D_e = 0 forces D_o = 0 (every rater then tiles the whole
            # continuum with the same one-position units), so this never divides by 0.
            per_category[category] = Fraction(0) if d_o == d_e else 1 - d_o / d_e
        mean_observed = sum(observed.values(), Fraction(0)) / len(categories)
        mean_expected = sum(expected.values(), Fraction(0)) / len(categories)
        if mean_observed == mean_expected:
            alpha = Fraction(1) if mean_observed == 0 else Fraction(0)
        else:
            alpha = 1 - mean_observed / mean_expected
        return UnitizingResult(alpha, mean_observed, mean_expected, per_category)

    def _observed(self, category: str, raters: list[str]) -> Fraction:
        """``D_o(c) = 2 * sum_{r1<r2} sum d(s,t) / (R (R-1) L^2)``."""
        total = 0
        for index, first in enumerate(raters):
            for second in raters[index + 1 :]:
                total += self._pair_sum(category, first, second)
        rater_count = len(raters)
        return Fraction(2 * total, rater_count * (rater_count - 1) * self.length * self.length)

    def _pair_sum(self, category: str, first: str, second: str) -> int:
        key = (category, first, second)
        cached = self._pair_sums.get(key)
        if cached is None:
            by_rater = self.tilings[category]
            cached = _pair_disagreement(by_rater.get(first, []), by_rater.get(second, []))
            self._pair_sums[key] = cached
        return cached

    def _expected(self, category: str, raters: list[str]) -> Fraction:
        """``D_e(c)`` of the design, over the units and gaps of ``raters`` only."""
        by_rater = self.tilings[category]
        lengths: Counter[int] = Counter()
        gaps: list[int] = []
        for rater in raters:
            intervals = by_rater.get(rater, [])
            lengths.update(end - begin for begin, end in intervals)
            gaps.extend(_gap_lengths(intervals, self.length))
        unit_count = lengths.total()
        squared_lengths = sum(count * size * (size - 1) for size, count in lengths.items())
        gaps.sort()
        # gap_sums[i] = sum(gaps[i:]), so the gaps >= l are gaps[bisect_left(gaps, l):].
        gap_sums = list(accumulate(reversed(gaps), initial=0))[::-1]
        numerator = 0
        for size, count in lengths.items():
            first_long_gap = bisect_left(gaps, size)
            long_gaps = len(gaps) - first_long_gap
            gap_term = gap_sums[first_long_gap] - (size - 1) * long_gaps
            # l(l-1)(2l-1) is 6 * sum of squares below l, so dividing by 3 stays exact.
            own_term = (unit_count - 1) * size * (size - 1) * (2 * size - 1) // 3
            numerator += count * (own_term + size * size * gap_term)
        rater_count = len(raters)
        total_length = rater_count * self.length
        denominator = self.length * (total_length * (total_length - 1) - squared_lengths)
        return Fraction(2 * numerator, denominator)


def _gap_lengths(intervals: list[Interval], length: int) -> list[int]:
    """The gaps between one rater's sorted units, with the leading and trailing one.

    A rater without units has one gap, the whole continuum; adjacent units leave no gap.
    """
    gaps = []
    position = 0
    for begin, end in intervals:
        if begin > position:
            gaps.append(begin - position)
        position = end
    if length > position:
        gaps.append(length - position)
    return gaps


def _pair_disagreement(first: list[Interval], second: list[Interval]) -> int:
    """``sum d(s,t)`` over the segments of two raters' tilings of one category.

    Overlapping units weigh ``(begin_s - begin_t)^2 + (end_s - end_t)^2``; a unit that
    no unit of the other rater touches lies inside one of the other's gaps and weighs its
    length squared; everything else weighs 0. One sweep over both sorted lists.
    """
    total = 0
    first_touched = [False] * len(first)
    second_touched = [False] * len(second)
    i = j = 0
    while i < len(first) and j < len(second):
        begin_s, end_s = first[i]
        begin_t, end_t = second[j]
        if begin_s < end_t and begin_t < end_s:
            total += (begin_s - begin_t) ** 2 + (end_s - end_t) ** 2
            first_touched[i] = second_touched[j] = True
        if end_s <= end_t:
            i += 1
        else:
            j += 1
    for intervals, touched in ((first, first_touched), (second, second_touched)):
        total += sum(
            (end - begin) ** 2
            for (begin, end), hit in zip(intervals, touched, strict=True)
            if not hit
        )
    return total
