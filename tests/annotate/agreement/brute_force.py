"""Slow re-computations straight from the formulas, to check the fast code against.

Nothing here is clever on purpose: tilings are built position by position, every segment of
one rater meets every segment of the other, every unit meets every gap, the coincidence
matrix is filled cell by cell.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

from annotate.agreement import ClaimRecord, Text
from annotate.agreement.unitizing import Unit

Segment = tuple[int, int, bool]  # begin, end, is a unit


def brute_units(texts: Sequence[Text], claims: Sequence[ClaimRecord]) -> tuple[int, list[Unit]]:
    """The unit rule read literally: check every claim seen before for covering the start."""
    offsets, length = {}, 0
    for text in texts:
        offsets[text.key] = length
        length += text.length
    units = []
    for annotator in sorted({c.annotator for c in claims}):
        for text in texts:
            mine = [c for c in claims if c.annotator == annotator and c.text_key == text.key]
            mine.sort(key=lambda c: (c.start, -(c.end - c.start)))
            seen: list[ClaimRecord] = []
            for c in mine:
                covered = any(
                    s.claim_type == c.claim_type and s.start <= c.start < s.end for s in seen
                )
                if not covered:
                    units.append(
                        Unit(
                            annotator,
                            c.claim_type,
                            offsets[text.key] + c.start,
                            offsets[text.key] + c.end,
                        )
                    )
                seen.append(c)
    return length, units


def tiling(length: int, intervals: list[tuple[int, int]]) -> list[Segment]:
    """Units and the maximal gaps between them, position by position."""
    owner = [None] * length
    for index, (begin, end) in enumerate(intervals):
        for position in range(begin, end):
            assert owner[position] is None, "overlapping units"
            owner[position] = index
    segments: list[Segment] = []
    position = 0
    while position < length:
        start = position
        if owner[position] is None:
            while position < length and owner[position] is None:
                position += 1
            segments.append((start, position, False))
        else:
            current = owner[position]
            while position < length and owner[position] == current:
                position += 1
            segments.append((start, position, True))
    return segments


def distance(s: Segment, t: Segment) -> int:
    """d(s, t) of the design, case by case."""
    (bs, es, s_unit), (bt, et, t_unit) = s, t
    if s_unit and t_unit:
        return (bs - bt) ** 2 + (es - et) ** 2 if bs < et and bt < es else 0
    if s_unit and not t_unit:
        return (es - bs) ** 2 if bt <= bs and es <= et else 0
    if t_unit and not s_unit:
        return (et - bt) ** 2 if bs <= bt and et <= es else 0
    return 0


def brute_alpha_u(
    length: int, raters: Sequence[str], units: Sequence[Unit]
) -> tuple[Fraction | None, Fraction | None, Fraction | None, dict[str, Fraction]]:
    """(alpha, D_o, D_e, per category) of the design, from the formulas as written."""
    raters = sorted(set(raters))
    r = len(raters)
    categories = sorted({u.category for u in units if u.rater in raters})
    if r < 2 or not categories:
        return None, None, None, {}
    observed, expected, per_category = {}, {}, {}
    for c in categories:
        mine = {
            rater: sorted((u.begin, u.end) for u in units if u.rater == rater and u.category == c)
            for rater in raters
        }
        tilings = {rater: tiling(length, mine[rater]) for rater in raters}
        total = 0
        for i in range(r):
            for j in range(i + 1, r):
                for s in tilings[raters[i]]:
                    for t in tilings[raters[j]]:
                        total += distance(s, t)
        d_o = Fraction(2 * total, r * (r - 1) * length * length)
        lengths = [end - begin for rater in raters for begin, end in mine[rater]]
        gaps = [e - b for rater in raters for b, e, is_unit in tilings[rater] if not is_unit]
        n = len(lengths)
        s_sum = sum(size * (size - 1) for size in lengths)
        inner = Fraction(0)
        for size in lengths:
            inner += Fraction((n - 1) * size * (size - 1) * (2 * size - 1), 3)
            inner += size * size * sum(g - size + 1 for g in gaps if g >= size)
        d_e = Fraction(2, length) * inner / (r * length * (r * length - 1) - s_sum)
        observed[c], expected[c] = d_o, d_e
        per_category[c] = Fraction(0) if d_o == d_e else 1 - d_o / d_e
    mean_o = sum(observed.values(), Fraction(0)) / len(categories)
    mean_e = sum(expected.values(), Fraction(0)) / len(categories)
    if mean_o == mean_e:
        alpha = Fraction(1) if mean_o == 0 else Fraction(0)
    else:
        alpha = 1 - mean_o / mean_e
    return alpha, mean_o, mean_e, per_category


def brute_nominal_alpha(units: Sequence[Sequence[str]]) -> Fraction | None:
    """Krippendorff's alpha with the coincidence matrix filled cell by cell."""
    values = sorted({v for unit in units if len(unit) >= 2 for v in unit})
    o = {(c, k): Fraction(0) for c in values for k in values}
    for unit in units:
        m = len(unit)
        if m < 2:
            continue
        # every ordered pair of distinct labels (by position) in the unit, weighted 1/(m-1)
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[(unit[i], unit[j])] += Fraction(1, m - 1)
    n_c = {c: sum(o[(c, k)] for k in values) for c in values}
    n = sum(n_c.values())
    observed = sum(o[(c, k)] for c in values for k in values if c != k)
    expected = sum(n_c[c] * n_c[k] for c in values for k in values if c != k)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def brute_kappa(pairs: Sequence[tuple[str, str]]) -> Fraction | None:
    """Cohen's kappa from the list of (first, second) labels, item by item."""
    n = len(pairs)
    if n == 0:
        return None
    p_o = Fraction(sum(1 for a, b in pairs if a == b), n)
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    p_e = sum(Fraction(first[v], n) * Fraction(second[v], n) for v in set(first) | set(second))
    if p_e == 1:
        return None
    return (p_o - p_e) / (1 - p_e)
