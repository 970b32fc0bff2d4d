"""Span matching, span F1 and stance agreement on the overlap matches."""

from __future__ import annotations

from annotate.agreement import thread_report
from annotate.agreement.spans import TypeCounts, exact_match_counts, overlap_matches
from tests.annotate.agreement.builders import claim, comments, study

ARTICLE_ONLY = {None: 0}


def matched(first, second, text_index=ARTICLE_ONLY):
    return [(a.start, a.end, b.start, b.end) for a, b in overlap_matches(first, second, text_index)]


# --- exact ---------------------------------------------------------------------------------


def test_it_matches_exact_spans_one_to_one():
    # a has [0,5) twice, b once: one match, not two
    counts = exact_match_counts([claim("a", 0, 5), claim("a", 0, 5)], [claim("b", 0, 5)])
    assert counts == {"claim": TypeCounts(matches=1, n_first=2, n_second=1)}


def test_it_needs_the_same_type_text_start_and_end_for_an_exact_match():
    first = [claim("a", 0, 5, "claim"), claim("a", 0, 5, "premise", text=1)]
    second = [claim("b", 0, 5, "premise"), claim("b", 0, 6, "claim")]
    counts = exact_match_counts(first, second)
    assert counts == {
        "claim": TypeCounts(matches=0, n_first=1, n_second=1),
        "premise": TypeCounts(matches=0, n_first=1, n_second=1),
    }


# --- overlap -------------------------------------------------------------------------------


def test_it_matches_by_largest_overlap_first():
    # a[0,10) overlaps b[5,15) by 5 and b[0,8) by 8: it takes b[0,8)
    assert matched([claim("a", 0, 10)], [claim("b", 5, 15), claim("b", 0, 8)]) == [(0, 10, 0, 8)]


def test_it_matches_greedily_not_optimally():
    # a[0,10) with b[1,11) (9) goes first; a[9,11) then finds b[1,11) taken, though a
    # one-to-one optimum would have matched both a's
    first = [claim("a", 0, 10), claim("a", 9, 11)]
    second = [claim("b", 1, 11), claim("b", 12, 13)]
    assert matched(first, second) == [(0, 10, 1, 11)]


def test_it_breaks_overlap_ties_by_the_first_annotators_earlier_claim():
    # b[3,12) overlaps a[0,5) by 2 and a[10,15) by 2: the earlier a[0,5) gets it
    first = [claim("a", 10, 15), claim("a", 0, 5)]
    assert matched(first, [claim("b", 3, 12)]) == [(0, 5, 3, 12)]


def test_it_breaks_remaining_ties_by_the_second_annotators_earlier_claim():
    # a[0,10) overlaps b[6,10) and b[0,4) by 4 each: b[0,4) comes first
    assert matched([claim("a", 0, 10)], [claim("b", 6, 10), claim("b", 0, 4)]) == [(0, 10, 0, 4)]


def test_it_breaks_ties_between_equal_spans_by_export_position():
    first = [claim("a", 0, 5, stance="oppose", order=9), claim("a", 0, 5, order=2)]
    pairs = overlap_matches(first, [claim("b", 1, 4)], ARTICLE_ONLY)
    assert [(a.order, a.stance) for a, _ in pairs] == [(2, "support")]


def test_it_breaks_ties_by_the_second_claims_end_after_its_start():
    # a[2,3) overlaps b[2,9) and b[2,5) by 1 each; same start, so the earlier end wins
    assert matched([claim("a", 2, 3)], [claim("b", 2, 9), claim("b", 2, 5)]) == [(2, 3, 2, 5)]


def test_it_needs_a_shared_code_point_the_same_text_and_type_for_an_overlap_match():
    # a[0,5) and b[5,9) only touch; a[6,9) is a premise, b[6,9) a claim; a's and b's
    # [0,3) are in two different comments
    first = [claim("a", 0, 5), claim("a", 6, 9, "premise"), claim("a", 0, 3, text=1)]
    second = [claim("b", 5, 9), claim("b", 6, 9), claim("b", 0, 3, text=2)]
    assert matched(first, second, {None: 0, 1: 1, 2: 2}) == []


# --- F1 and stance in the report -------------------------------------------------------------


def test_it_reports_span_f1_as_two_m_over_both_counts():
    # a: [0,5) [10,20) [30,31); b: [0,5) [12,20) -> exact 1, overlap 2
    # exact F1 = 2*1/(3+2) = 2/5; overlap F1 = 2*2/5 = 4/5
    claims = [claim("a", 0, 5), claim("a", 10, 20), claim("a", 30, 31)]
    claims += [claim("b", 0, 5), claim("b", 12, 20)]
    f1 = thread_report(study(40, claims))["claims"]["span_f1"]
    assert f1["exact"]["pairwise"]["a|b"] == {"f1": 0.4, "matches": 1, "n_first": 3, "n_second": 2}
    assert f1["overlap"]["pairwise"]["a|b"]["f1"] == 0.8
    assert f1["exact"]["micro"] == 0.4
    assert f1["overlap"]["mean_pairwise"] == 0.8


def test_it_pools_f1_counts_over_pairs_for_micro_and_per_type():
    # a, b: claim [0,5); a, c: premise [10,15). Counts (matches, n_first, n_second):
    #   a|b  claim (1, 1, 1), premise (0, 1, 0): F1 = 2*1/3 = 2/3
    #   a|c  claim (0, 1, 0), premise (1, 1, 1): F1 = 2/3
    #   b|c  claim (0, 1, 0), premise (0, 0, 1): F1 = 0
    # micro = 2*2 / (3+3+2) = 1/2; claim: 2*1 / (2+1+1) = 1/2; premise: 2*1 / (1+2+1) = 1/2
    # mean_pairwise = (2/3 + 2/3 + 0) / 3 = 4/9
    claims = [claim("a", 0, 5), claim("b", 0, 5)]
    claims += [claim("a", 10, 15, "premise"), claim("c", 10, 15, "premise")]
    f1 = thread_report(study(20, claims))["claims"]["span_f1"]["exact"]
    assert [f1["pairwise"][pair]["f1"] for pair in ("a|b", "a|c", "b|c")] == [2 / 3, 2 / 3, 0]
    assert f1["per_type_micro"] == {"claim": 0.5, "premise": 0.5}
    assert f1["micro"] == 0.5
    assert f1["mean_pairwise"] == 4 / 9


def test_it_gives_no_f1_without_claims():
    report = thread_report(study(20, annotators=["a", "b"]))
    overlap = report["claims"]["span_f1"]["overlap"]
    assert overlap["pairwise"]["a|b"] == {"f1": None, "matches": 0, "n_first": 0, "n_second": 0}
    assert (overlap["micro"], overlap["mean_pairwise"], overlap["per_type_micro"]) == (
        None,
        None,
        {},
    )


def test_it_gives_f1_zero_against_an_annotator_without_claims():
    report = thread_report(study(20, [claim("a", 0, 5)], annotators=["a", "b"]))
    assert report["claims"]["span_f1"]["overlap"]["pairwise"]["a|b"]["f1"] == 0.0


def test_it_compares_stances_on_overlap_matched_claims():
    # matched: (support, support), (oppose, support), (oppose, oppose); a[40,45) unmatched
    # p_o = 2/3; a: support 1, oppose 2; b: support 2, oppose 1; p_e = (1*2 + 2*1)/9 = 4/9
    # kappa = (2/3 - 4/9) / (5/9) = 2/5
    claims = [
        claim("a", 0, 5, stance="support"),
        claim("a", 10, 15, stance="oppose"),
        claim("a", 20, 25, stance="oppose"),
        claim("a", 40, 45, stance="neutral"),
        claim("b", 1, 6, stance="support"),
        claim("b", 11, 14, stance="support"),
        claim("b", 20, 25, stance="oppose"),
    ]
    stance = thread_report(study(50, claims))["claims"]["stance"]
    assert stance["pairwise"]["a|b"] == {"n": 3, "observed": 2 / 3, "kappa": 0.4}
    assert (stance["n_matched"], stance["observed"], stance["kappa_mean_pairwise"]) == (
        3,
        2 / 3,
        0.4,
    )


def test_it_pools_stance_observed_agreement_over_pairs_and_averages_kappas():
    # a|b: (support, support), (oppose, oppose): p_o = 1, p_e = 1/2, kappa = 1
    # a|c and b|c: (support, oppose) once: p_o = 0, p_e = 0, kappa = 0
    # observed pools the matches: (2 + 0 + 0) / 4 = 1/2; kappa_mean_pairwise = 1/3
    claims = [
        claim("a", 0, 5, stance="support"),
        claim("a", 10, 15, stance="oppose"),
        claim("b", 0, 5, stance="support"),
        claim("b", 10, 15, stance="oppose"),
        claim("c", 0, 5, stance="oppose"),
    ]
    stance = thread_report(study(20, claims))["claims"]["stance"]
    assert [stance["pairwise"][pair]["kappa"] for pair in ("a|b", "a|c", "b|c")] == [1, 0, 0]
    assert (stance["n_matched"], stance["observed"]) == (4, 0.5)
    assert stance["kappa_mean_pairwise"] == 1 / 3


def test_it_skips_undefined_stance_kappas_in_the_mean():
    # a|b: one match, both support: p_e = 1, no kappa; a|c: kappa 1 (as above): mean 1
    claims = [
        claim("a", 0, 5, stance="support"),
        claim("a", 10, 15, stance="oppose"),
        claim("b", 0, 5, stance="support"),
        claim("c", 0, 5, stance="support"),
        claim("c", 10, 15, stance="oppose"),
    ]
    stance = thread_report(study(20, claims))["claims"]["stance"]
    assert stance["pairwise"]["a|b"] == {"n": 1, "observed": 1.0, "kappa": None}
    assert stance["kappa_mean_pairwise"] == 1.0


def test_it_matches_claims_across_texts_only_in_the_same_text():
    texts = comments(1, length=10)
    claims = [claim("a", 0, 5, text=None), claim("b", 0, 5, text=1)]
    report = thread_report(study(texts, claims))
    assert report["claims"]["span_f1"]["overlap"]["pairwise"]["a|b"]["matches"] == 0
