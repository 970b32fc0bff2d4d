"""Reply-label (and stance) agreement: nominal alpha and Cohen's kappa."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotate.agreement.nominal import nominal_alpha, pair_agreement
from tests.annotate.agreement.brute_force import brute_kappa, brute_nominal_alpha

LABELS = st.sampled_from(["support", "deny", "query", "comment"])


def confusion(*rows: tuple[str, str, int]) -> Counter[tuple[str, str]]:
    return Counter({(first, second): count for first, second, count in rows})


def coded_items(*pairs: tuple[object, object], repeat: int = 1) -> list[list[str]]:
    return [[str(value) for value in pair if value is not None] for pair in pairs] * repeat


# --- alpha: the design's rules, by hand ----------------------------------------------------


def test_it_computes_alpha_from_the_coincidence_matrix():
    # units (a,a), (b,b), (a,b): o_aa = 2, o_bb = 2, o_ab = o_ba = 1 (each unit has m = 2)
    # n_a = n_b = 3, n = 6; sum_{c!=k} o_ck = 2; sum_{c!=k} n_c n_k = 2 * 3 * 3 = 18
    # alpha = 1 - (6 - 1) * 2 / 18 = 1 - 10/18 = 4/9
    assert nominal_alpha([["a", "a"], ["b", "b"], ["a", "b"]]) == Fraction(4, 9)


def test_it_weighs_a_unit_of_three_labels_by_one_over_m_minus_one():
    # units (a,a,b), (b,b): unit 1 has m = 3, so o_ab = o_ba = 2 * 1 / 2 = 1, o_aa = 2/2 = 1
    # unit 2: o_bb = 2. n_a = 2, n_b = 3, n = 5; sum_{c!=k} o_ck = 2; sum n_c n_k = 2*2*3 = 12
    # alpha = 1 - 4 * 2 / 12 = 1/3
    assert nominal_alpha([["a", "a", "b"], ["b", "b"]]) == Fraction(1, 3)


def test_it_drops_a_comment_labelled_by_one_annotator():
    # the lone "c" would otherwise widen the value domain; the result is still 4/9
    assert nominal_alpha([["a", "a"], ["b", "b"], ["a", "b"], ["c"]]) == Fraction(4, 9)


def test_it_gives_none_when_no_comment_is_pairable():
    assert nominal_alpha([["a"], ["b"], []]) is None


def test_it_gives_none_when_one_value_is_used_throughout():
    # the "b" is on an unpairable comment: among pairable values only "a" is used
    assert nominal_alpha([["a", "a"], ["a", "a", "a"], ["b"]]) is None


def test_it_goes_below_zero_when_annotators_disagree_systematically():
    # (a,b), (a,b): o_ab = o_ba = 2, n_a = n_b = 2, n = 4: alpha = 1 - 3 * 4 / 8 = -1/2
    assert nominal_alpha([["a", "b"], ["a", "b"]]) == Fraction(-1, 2)


# --- alpha: published examples -------------------------------------------------------------


def test_it_reproduces_krippendorff_2011_nominal_example_with_missing_data():
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", sec. C, and
    # Krippendorff (2004: p. 230); DKPro Krippendorff2004Test.createExample3: alpha = 0.743.
    # Four observers, 12 units, "." missing; unit 12 has one value and drops out.
    data = [
        "1 2 3 3 2 1 4 1 2 . . .",
        "1 2 3 3 2 2 4 1 2 5 . 3",
        ". 3 3 3 2 3 4 2 2 5 1 .",
        "1 2 3 3 2 4 4 1 2 5 1 .",
    ]
    rows = [line.split() for line in data]
    units = [[row[u] for row in rows if row[u] != "."] for u in range(12)]
    # Pairable values: n = 40 (n_1 = 9, n_2 = 13, n_3 = 10, n_4 = 5, n_5 = 3), so
    # sum_{c!=k} n_c n_k = 40^2 - (81 + 169 + 100 + 25 + 9) = 1216; the off-diagonal
    # coincidences add up to 8 (units 2, 6 and 8), so alpha = 1 - 39 * 8 / 1216 = 113/152.
    alpha = nominal_alpha(units)
    assert alpha == Fraction(113, 152)
    assert alpha == pytest.approx(0.743, abs=0.001)


def test_it_reproduces_krippendorff_2004_dichotomous_example():
    # Krippendorff (2004: p. 224), DKPro createExample1: alpha = 0.095
    units = coded_items(
        (1, 0), (1, 1), (0, 1), (0, 0), (0, 0), (0, 1), (0, 0), (0, 1), (0, 0), (0, 0)
    )
    assert nominal_alpha(units) == pytest.approx(0.095, abs=0.001)


def test_it_reproduces_krippendorff_2004_three_category_example():
    # Krippendorff (2004: p. 227), DKPro createExample2: alpha = 0.734
    units = coded_items(("a", "a"), ("a", "b")) + coded_items(("b", "b"), repeat=4)
    units += coded_items(("b", "c")) + coded_items(("c", "c"), repeat=5)
    assert nominal_alpha(units) == pytest.approx(0.734, abs=0.001)


def test_it_reproduces_krippendorff_1995_digitized_example_a():
    # Krippendorff (1995: p. 57) example A read position by position (Bertha vs Bill),
    # DKPro Krippendorff1995Test.testDigitizedAgreement: alpha = 0.329, kappa = 0.385
    bertha = "001111111100001111110000"
    bill = "000011110000000110000000"
    units = [[a, b] for a, b in zip(bertha, bill, strict=True)]
    assert nominal_alpha(units) == pytest.approx(0.329, abs=0.001)
    assert pair_agreement(Counter(zip(bertha, bill, strict=True))).kappa == pytest.approx(
        0.385, abs=0.001
    )


# --- kappa ---------------------------------------------------------------------------------


def test_it_computes_kappa_from_each_annotators_own_marginals():
    # (a,a) x2, (a,b) x1, (b,b) x1: p_o = 3/4; first: a 3, b 1; second: a 2, b 2
    # p_e = (3*2 + 1*2) / 16 = 1/2; kappa = (3/4 - 1/2) / (1 - 1/2) = 1/2
    result = pair_agreement(confusion(("a", "a", 2), ("a", "b", 1), ("b", "b", 1)))
    assert (result.n, result.observed, result.kappa) == (4, Fraction(3, 4), Fraction(1, 2))


def test_it_gives_no_kappa_and_no_observed_agreement_without_items():
    result = pair_agreement(Counter())
    assert (result.n, result.observed, result.kappa) == (0, None, None)


def test_it_gives_no_kappa_when_chance_agreement_is_one():
    # both used "a" throughout: p_e = 1, kappa undefined, observed agreement still 1
    result = pair_agreement(confusion(("a", "a", 3)))
    assert (result.n, result.observed, result.kappa) == (3, Fraction(1), None)


def test_it_gives_kappa_zero_when_agreement_is_what_chance_predicts():
    # first always "a", second half "a" half "b": p_o = 1/2, p_e = 1 * 1/2, kappa = 0
    assert pair_agreement(confusion(("a", "a", 1), ("a", "b", 1))).kappa == 0


def test_it_reproduces_cohen_1960_second_example():
    # Cohen (1960: p. 45), DKPro Cohen1960Test.createExample2: p_o .70, p_e .41, kappa .492
    result = pair_agreement(
        confusion(
            ("1", "1", 88), ("1", "2", 14), ("1", "3", 18),
            ("2", "1", 10), ("2", "2", 40), ("2", "3", 10),
            ("3", "1", 2), ("3", "2", 6), ("3", "3", 12),
        )
    )  # fmt: skip
    assert result.observed == pytest.approx(0.70, abs=0.01)
    assert result.kappa == pytest.approx(0.492, abs=0.001)


def test_it_reproduces_krippendorff_2004_kappa_examples():
    # Krippendorff (2004: p. 246), DKPro Krippendorff2004Test.testOtherCoefficients:
    # equal marginals give kappa 0.186, skewed ones 0.258 at the same 46% agreement
    even = confusion(
        ("a", "a", 12), ("a", "b", 9), ("a", "c", 9),
        ("b", "a", 9), ("b", "b", 14), ("b", "c", 9),
        ("c", "a", 9), ("c", "b", 9), ("c", "c", 20),
    )  # fmt: skip
    skewed = confusion(
        ("a", "a", 12), ("a", "b", 18), ("a", "c", 18),
        ("b", "b", 14), ("b", "c", 18), ("c", "c", 20),
    )  # fmt: skip
    assert pair_agreement(even).kappa == pytest.approx(0.186, abs=0.001)
    assert pair_agreement(skewed).kappa == pytest.approx(0.258, abs=0.001)
    assert pair_agreement(skewed).observed == pytest.approx(0.460, abs=0.001)


def test_it_reproduces_krippendorff_1995_digitized_kappas():
    # DKPro Krippendorff1995Test: B (John/Jill) 0.385, C (Gerret/Gill) 0.314, D undefined
    john, jill = "1" * 18 + "0" * 6, "1" * 10 + "0" * 14
    gerret, gill = "001111110011001111001100", "110011110011110011001100"
    heather = hill = "1" * 24
    assert kappa_of(john, jill) == pytest.approx(0.385, abs=0.001)
    assert kappa_of(gerret, gill) == pytest.approx(0.314, abs=0.001)
    assert kappa_of(heather, hill) is None


def kappa_of(first: str, second: str) -> Fraction | None:
    return pair_agreement(Counter(zip(first, second, strict=True))).kappa


# --- cross-checks against straightforward re-computations ------------------------------------


@given(st.lists(st.tuples(LABELS, LABELS), max_size=30))
def test_it_gives_the_kappa_of_an_item_by_item_recomputation(pairs):
    assert pair_agreement(Counter(pairs)).kappa == brute_kappa(pairs)


@given(st.lists(st.lists(LABELS, max_size=5), max_size=15))
def test_it_gives_the_alpha_of_a_cell_by_cell_coincidence_matrix(units):
    assert nominal_alpha(units) == brute_nominal_alpha(units)
