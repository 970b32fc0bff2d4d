"""alpha_U: the design's rules by hand, DKPro's published test cases, undefined cases."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import pytest

from annotate.agreement import Text
from annotate.agreement.unitizing import (
    Unit,
    continuum_units,
    thread_unitizing,
    unitizing_alpha,
)
from tests.annotate.agreement.brute_force import brute_alpha_u
from tests.annotate.agreement.builders import claim, unit


def category_only(
    length: int, raters: Sequence[str], units: Sequence[Unit], category: str
) -> tuple[Fraction, Fraction, Fraction]:
    """D_o(c), D_e(c) and alpha(c): a category's figures depend on its own units only."""
    result = unitizing_alpha(length, raters, [u for u in units if u.category == category])
    assert result.observed is not None and result.expected is not None
    return result.observed, result.expected, result.per_category[category]


# --- unit preparation ----------------------------------------------------------------------


def test_it_leaves_out_a_claim_whose_start_a_same_type_claim_seen_before_covers():
    # sorted by start, longer first: x[0,5) kept; x[0,3) starts inside it: out;
    # x[2,8) out; x[6,9) starts inside x[2,8), which was itself left out: still out;
    # x[9,10) starts where the furthest end (9) stops: kept; y[6,7) is another type: kept
    claims = [
        claim("a", 6, 9, "x"),
        claim("a", 2, 8, "x"),
        claim("a", 0, 3, "x"),
        claim("a", 6, 7, "y"),
        claim("a", 0, 5, "x"),
        claim("a", 9, 10, "x"),
    ]
    length, units = continuum_units([Text(None, 10, 0)], claims)
    assert length == 10
    assert sorted((u.category, u.begin, u.end) for u in units) == [
        ("x", 0, 5),
        ("x", 9, 10),
        ("y", 6, 7),
    ]


def test_it_keeps_the_longer_of_two_claims_starting_together():
    _, units = continuum_units([Text(None, 10, 0)], [claim("a", 2, 4), claim("a", 2, 9)])
    assert [(u.begin, u.end) for u in units] == [(2, 9)]


def test_it_prepares_units_per_annotator_and_text():
    # b's claim overlaps a's but is b's own; the comment's claim is in another text
    texts = [Text(None, 10, 0), Text(7, 5, 1)]
    claims = [claim("a", 0, 6), claim("b", 2, 5), claim("a", 1, 3, text=7)]
    _, units = continuum_units(texts, claims)
    assert sorted((u.rater, u.begin, u.end) for u in units) == [
        ("a", 0, 6),
        ("a", 11, 13),
        ("b", 2, 5),
    ]


def test_it_lays_texts_end_to_end_in_display_order():
    # the comment given first comes first: [0,5) is comment 2, [5,8) comment 1, then 8..
    texts = [Text(None, 0, 0), Text(2, 5, 1), Text(1, 3, 1), Text(3, 4, 2)]
    claims = [claim("a", 0, 2, text=1), claim("a", 1, 4, text=3)]
    length, units = continuum_units(texts, claims)
    assert length == 12
    assert sorted((u.begin, u.end) for u in units) == [(5, 7), (9, 12)]


def test_it_refuses_a_claim_past_the_end_of_its_text():
    with pytest.raises(ValueError, match="outside text"):
        continuum_units([Text(None, 5, 0)], [claim("a", 3, 6)])


# --- D_o, D_e and alpha by hand --------------------------------------------------------------


HAND_UNITS = [unit("a", "x", 1, 3), unit("a", "x", 6, 2), unit("b", "x", 2, 2)]


def test_it_computes_d_o_from_overlapping_units_and_units_inside_gaps():
    # L = 10. a: gap 1 | x[1,4) | gap 2 | x[6,8) | gap 2;  b: gap 2 | x[2,4) | gap 6
    # a[1,4) vs b[2,4) overlap: (1-2)^2 + (4-4)^2 = 1; a[6,8) lies in b's gap [4,10): 2^2 = 4
    # a[1,4) vs b's gap [0,2) only overlaps it: 0. sum = 5
    # D_o = 2 * 5 / (R L^2) = 10 / 200 = 1/20
    assert unitizing_alpha(10, ["a", "b"], HAND_UNITS).observed == Fraction(1, 20)


def test_it_computes_d_e_from_unit_lengths_and_sorted_gaps():
    # N = 3 units of lengths 3, 2, 2; S = 3*2 + 2*1 + 2*1 = 10; gaps G = 1, 2, 2 (a), 2, 6 (b)
    # l = 3: (N-1) l(l-1)(2l-1)/3 = 2*3*2*5/3 = 20; gaps >= 3: 6 -> 6-3+1 = 4; 9*4 = 36: 56
    # l = 2: 2*2*1*3/3 = 4; gaps >= 2: 2,2,2,6 -> 1+1+1+5 = 8; 4*8 = 32: 36, twice: 72
    # D_e = (2/L) * 128 / (R L (R L - 1) - S) = (2/10) * 128 / (20*19 - 10) = 64/925
    assert unitizing_alpha(10, ["a", "b"], HAND_UNITS).expected == Fraction(64, 925)


def test_it_computes_alpha_as_one_minus_d_o_over_d_e():
    # 1 - (1/20) / (64/925) = 1 - 925/1280 = 71/256
    result = unitizing_alpha(10, ["a", "b"], HAND_UNITS)
    assert result.alpha == Fraction(71, 256)
    assert result.per_category == {"x": Fraction(71, 256)}


def test_it_counts_an_annotator_without_units_in_r_as_one_gap():
    # c adds pairs (a,c): a's units lie in c's one gap: 9 + 4 = 13; (b,c): 4. sum = 5+13+4 = 22
    # D_o = 2*22 / (3*2*100) = 11/150. G gains c's gap of 10:
    # l = 3: 20 + 9 * (4 + 8) = 128; l = 2: 4 + 4 * (8 + 9) = 72, twice: 144; sum 272
    # D_e = (2/10) * 272 / (30*29 - 10) = 68/1075; alpha = 1 - (11/150)/(68/1075) = -65/408
    result = unitizing_alpha(10, ["a", "b", "c"], HAND_UNITS)
    assert (result.observed, result.expected) == (Fraction(11, 150), Fraction(68, 1075))
    assert result.alpha == Fraction(-65, 408)


def test_it_averages_d_o_and_d_e_over_the_categories_present():
    # x as above (1/20, 64/925); y: one unit [0,1) of a, b has none -> it lies in b's gap:
    # D_o(y) = 2*1/200 = 1/100; D_e(y): N = 1, l = 1, gaps 9 (a) and 10 (b): 1*(9 + 10) = 19
    # D_e(y) = (2/10) * 19 / (20*19 - 0) = 1/100: equal, so alpha(y) = 0
    # D_o = (1/20 + 1/100)/2 = 3/100, D_e = (64/925 + 1/100)/2; alpha = 1 - D_o/D_e
    result = unitizing_alpha(10, ["a", "b"], [*HAND_UNITS, unit("a", "y", 0, 1)])
    d_o, d_e = Fraction(3, 100), (Fraction(64, 925) + Fraction(1, 100)) / 2
    assert (result.observed, result.expected) == (d_o, d_e)
    assert result.per_category == {"x": Fraction(71, 256), "y": Fraction(0)}
    assert result.alpha == 1 - d_o / d_e


def test_it_gives_one_overall_and_zero_per_type_when_d_o_and_d_e_are_both_zero():
    # L = 1, both mark [0,1): no disagreement (D_o = 0) and no gap at all, and l(l-1) = 0,
    # so D_e = 0 too. Per type, equal D_o and D_e give 0; overall, D_o = 0 with a unit gives 1.
    result = unitizing_alpha(1, ["a", "b"], [unit("a", "x", 0, 1), unit("b", "x", 0, 1)])
    assert (result.observed, result.expected) == (0, 0)
    assert result.alpha == 1
    assert result.per_category == {"x": 0}


def test_it_runs_pairwise_studies_on_two_annotators_each():
    pooled, pairwise = thread_unitizing(10, ["c", "a", "b"], HAND_UNITS)
    assert pooled.alpha == Fraction(-65, 408)
    assert pairwise[("a", "b")].alpha == Fraction(71, 256)
    # a alone against an empty c, and b against c: both are the study of those two
    assert pairwise[("a", "c")] == unitizing_alpha(10, ["a", "c"], HAND_UNITS[:2])
    assert pairwise[("b", "c")] == unitizing_alpha(10, ["b", "c"], HAND_UNITS[2:])


# --- undefined -----------------------------------------------------------------------------


def test_it_gives_none_without_any_unit():
    # DKPro UnitizingAgreementTest.testEmptyAnnotationSet gives NaN
    result = unitizing_alpha(20, ["a", "b", "c"], [])
    assert (result.alpha, result.observed, result.expected, result.per_category) == (
        None,
        None,
        None,
        {},
    )


def test_it_gives_none_with_fewer_than_two_annotators():
    assert unitizing_alpha(10, ["a"], [unit("a", "x", 0, 3)]).alpha is None


def test_it_gives_none_for_a_pair_without_units_of_its_own():
    _, pairwise = thread_unitizing(10, ["a", "b", "c"], [unit("a", "x", 0, 3)])
    assert pairwise[("b", "c")].alpha is None
    # (a, b) is defined: a's [0,3) lies in b's gap. D_o = 2*9/(2*100) = 9/100;
    # D_e = (2/10) * 9 * ((7-3+1) + (10-3+1)) / (20*19 - 6) = 117/1870
    # alpha = 1 - (9/100) / (117/1870) = -57/130
    assert pairwise[("a", "b")].alpha == Fraction(-57, 130)


def test_it_refuses_overlapping_units_of_one_rater_and_category():
    with pytest.raises(ValueError, match="overlap"):
        unitizing_alpha(10, ["a", "b"], [unit("a", "x", 0, 3), unit("a", "x", 2, 3)])


# --- DKPro Statistics' test cases ------------------------------------------------------------


def test_it_reproduces_dkpro_unitizing_agreement_example():
    # DKPro UnitizingAgreementTest.testAgreement (tolerance 0.0001)
    # r0: -11111111-   r1: --1-1-1---
    units = [unit("0", "A", 1, 8), unit("1", "A", 2, 1), unit("1", "A", 4, 1)]
    units.append(unit("1", "A", 6, 1))
    d_o, d_e, alpha = category_only(10, ["0", "1"], units, "A")
    assert d_o == pytest.approx(0.9100, abs=0.0001)
    assert d_e == pytest.approx(0.5351, abs=0.0001)
    assert alpha == pytest.approx(-0.7003, abs=0.0001)


def test_it_reproduces_dkpro_single_annotation_unit():
    # DKPro UnitizingAgreementTest.testSingleAnnotationUnit: 3 raters, L = 20, one unit
    # [0,1): D_o = 2*(1+1)/(3*2*400) = 1/600; D_e = (2/20) * (19+20+20) / (60*59) = 1/600
    result = unitizing_alpha(20, ["0", "1", "2"], [unit("0", "X", 0, 1)])
    assert result.observed == result.expected == Fraction(1, 600)
    assert result.alpha == 0


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ((1, 8), (2, 1), 37),
        ((1, 8), (4, 1), 25),
        ((1, 8), (6, 1), 29),
        ((5, 6), (4, 2), 26),
        ((5, 6), (5, 2), 16),
        ((5, 6), (6, 2), 10),
        ((5, 6), (7, 2), 8),
        ((5, 6), (6, 4), 2),
        ((5, 6), (5, 6), 0),
        ((225, 70), (220, 80), 50),
        ((370, 30), (355, 20), 850),
    ],
)
def test_it_reproduces_dkpro_unit_distances(first, second, expected):
    # DKPro UnitizingAgreementTest.testDistanceMetric and Krippendorff2004Test
    # testDistanceMetric1/2, unit against unit: with R = 2, D_o = sum d / L^2
    length = 500
    units = [unit("0", "c", *first), unit("1", "c", *second)]
    assert unitizing_alpha(length, ["0", "1"], units).observed == Fraction(expected, length**2)


def test_it_reproduces_dkpro_unit_inside_gap_distance():
    # Krippendorff2004Test.testDistanceMetric2: unit (400, 20) inside a gap (400, 50): 400.
    # Rater 1's gap [400, 450) is made by units ending at 400 and starting at 450.
    units = [unit("0", "c", 400, 20), unit("1", "c", 350, 50), unit("1", "c", 450, 10)]
    # d: [350,400) and [450,460) of rater 1 lie in rater 0's gaps: 2500 + 100; plus 400
    assert unitizing_alpha(500, ["0", "1"], units).observed == Fraction(3000, 500**2)


KRIPPENDORFF_2004 = [
    unit("0", "c", 225, 70),
    unit("0", "c", 370, 30),
    unit("1", "c", 220, 80),
    unit("1", "c", 355, 20),
    unit("1", "c", 400, 20),
    unit("0", "k", 180, 60),
    unit("0", "k", 300, 50),
    unit("1", "k", 180, 60),
    unit("1", "k", 300, 50),
]


def shifted(units: Sequence[Unit], by: int) -> list[Unit]:
    return [Unit(u.rater, u.category, u.begin - by, u.end - by) for u in units]


def test_it_reproduces_krippendorff_2004_unitizing_example():
    # Krippendorff (2004: p. 254), DKPro Krippendorff2004Test: continuum [150, 450),
    # alpha_U 0.8591 with DKPro's tolerance 0.0005; the book prints 0.8587.
    result = unitizing_alpha(300, ["0", "1"], shifted(KRIPPENDORFF_2004, 150))
    assert result.alpha == pytest.approx(0.8591, abs=0.0005)
    assert result.alpha == pytest.approx(0.8587, abs=0.00005)


def test_it_reproduces_krippendorff_2004_category_figures():
    # DKPro Krippendorff2004Test.testCategoryAgreement (tolerance 0.0001)
    units = shifted(KRIPPENDORFF_2004, 150)
    assert category_only(300, ["0", "1"], units, "c") == (
        pytest.approx(0.0144, abs=0.0001),
        pytest.approx(0.0532, abs=0.0001),
        pytest.approx(0.7286, abs=0.0001),
    )
    assert category_only(300, ["0", "1"], units, "k") == (
        pytest.approx(0.0, abs=0.0001),
        pytest.approx(0.0490, abs=0.0001),
        pytest.approx(1.0, abs=0.0001),
    )


def krippendorff_1995(stretch: float) -> list[Unit]:
    """Krippendorff (1995: p. 57) examples A-D as DKPro's Krippendorff1995Test builds them."""
    spans = {
        "A": [(0, 2, 8), (0, 14, 6), (1, 4, 4), (1, 15, 2)],
        "B": [(0, 0, 18), (1, 0, 2), (1, 2, 1), (1, 3, 1), (1, 4, 1), (1, 5, 1), (1, 6, 3)]
        + [(1, 9, 1)],
        "C": [(0, 2, 6), (0, 10, 2), (0, 14, 4), (0, 20, 2), (1, 0, 2), (1, 4, 4), (1, 10, 4)]
        + [(1, 16, 2), (1, 20, 2)],
        "D": [(0, 0, 2), (0, 2, 8), (0, 10, 4), (0, 14, 6), (0, 20, 4), (1, 0, 4), (1, 4, 4)]
        + [(1, 8, 7), (1, 15, 2), (1, 17, 7)],
    }
    # Java's (int) cast, as DKPro's test does; lengths that truncate to 0 are left out.
    units = [
        unit(str(rater), category, int(begin * stretch), int(length * stretch))
        for category, rows in spans.items()
        for rater, begin, length in rows
    ]
    return [u for u in units if u.end > u.begin]


@pytest.mark.parametrize(
    ("category", "d_o"), [("A", 0.03125), ("B", 2.26736), ("C", 0.02777), ("D", 0.38715)]
)
def test_it_reproduces_krippendorff_1995_observed_disagreement(category, d_o):
    # DKPro Krippendorff1995Test.testAgreement, stretch 1 (tolerance 0.00001)
    observed, _, _ = category_only(24, ["0", "1"], krippendorff_1995(1), category)
    assert observed == pytest.approx(d_o, abs=0.00001)


@pytest.mark.parametrize(
    ("category", "d_e", "alpha"),
    [("A", 0.06990, 0.553), ("B", 1.17731, -0.926), ("C", 0.08642, 0.679), ("D", 0.41445, 0.066)],
)
def test_it_reproduces_krippendorff_1995_expected_disagreement_and_alpha(category, d_e, alpha):
    # DKPro Krippendorff1995Test.testAgreement, stretch 50,000 (tolerances 0.005 and 0.02)
    stretch = 1200000 // 24
    _, expected, category_alpha = category_only(
        24 * stretch, ["0", "1"], krippendorff_1995(stretch), category
    )
    assert expected == pytest.approx(d_e, abs=0.005)
    assert category_alpha == pytest.approx(alpha, abs=0.02)


@pytest.mark.parametrize(
    ("stretch", "d_e", "d_e_tolerance", "alpha"),
    [
        (12 / 24, 0.05494, 0.00001, 0.494),
        (120 / 24, 0.08234, 0.005, 0.663),
        (1200 / 24, 0.08600, 0.005, 0.677),
        (12000 / 24, 0.08638, 0.005, 0.678),
        (120000 / 24, 0.08642, 0.005, 0.679),
    ],
)
def test_it_reproduces_krippendorff_1995_varying_lengths(stretch, d_e, d_e_tolerance, alpha):
    # DKPro Krippendorff1995Test.testVaryingLengths, category C: D_o stays 0.02777
    observed, expected, category_alpha = category_only(
        int(24 * stretch), ["0", "1"], krippendorff_1995(stretch), "C"
    )
    assert observed == pytest.approx(0.02777, abs=0.00001)
    assert expected == pytest.approx(d_e, abs=d_e_tolerance)
    assert category_alpha == pytest.approx(alpha, abs=0.02)


def test_it_agrees_with_the_brute_force_on_krippendorff_1995_all_categories():
    units = krippendorff_1995(1)
    result = unitizing_alpha(24, ["0", "1"], units)
    assert (result.alpha, result.observed, result.expected, result.per_category) == (
        brute_alpha_u(24, ["0", "1"], units)
    )
