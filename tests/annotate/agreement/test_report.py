"""Thread and corpus reports: shape, reply labels, depth and target breakdowns, directions."""

from __future__ import annotations

import json
import math

import pytest

from annotate.agreement import Text, thread_report
from tests.annotate.agreement.builders import claim, comments, label, study

# Comments 1 and 3 are top level, 2 a reply to 1, 4 five levels down ("4+").
FOUR_COMMENTS = comments(1, 2, 1, 5)

REPLY_LABELS = [
    label("a", 1, "support"),
    label("b", 1, "support"),
    label("c", 1, "deny"),
    label("a", 2, "query"),
    label("b", 2, "query"),
    label("a", 3, "deny"),
    label("b", 3, "support"),
    label("a", 4, "comment"),
]


def walk(value):
    """Every leaf of a report."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    else:
        yield value


# --- shape ---------------------------------------------------------------------------------


def test_it_reports_the_documented_keys():
    report = thread_report(study(FOUR_COMMENTS, [claim("a", 0, 3)], REPLY_LABELS))
    assert list(report) == [
        "annotators",
        "reply_labels",
        "claims",
        "by_depth",
        "by_target",
        "matrix",
    ]
    assert list(report["reply_labels"]) == [
        "alpha_nominal",
        "kappa_mean_pairwise",
        "kappa_pairwise",
    ]
    assert list(report["claims"]) == ["n_claims", "alpha_u", "span_f1", "stance"]
    assert list(report["claims"]["alpha_u"]) == ["pooled", "pairwise"]
    assert list(report["claims"]["alpha_u"]["pooled"]) == ["alpha", "d_o", "d_e", "per_type"]
    assert list(report["claims"]["span_f1"]) == ["exact", "overlap"]
    assert list(report["claims"]["span_f1"]["exact"]) == [
        "mean_pairwise",
        "micro",
        "per_type_micro",
        "pairwise",
    ]
    assert list(report["claims"]["stance"]) == [
        "n_matched",
        "observed",
        "kappa_mean_pairwise",
        "pairwise",
    ]
    assert list(report["by_depth"]) == ["1", "2", "3", "4+"]
    assert list(report["by_depth"]["2"]) == ["reply_labels", "stance"]
    assert sorted(report["by_target"]) == ["claim", "parent", "thesis"]
    assert list(report["matrix"]) == ["kappa", "f1"]


def test_it_reports_every_pair_of_sorted_annotators_including_silent_ones():
    # dora has a done assignment and nothing else; carl only a reply label; ann only a claim
    records = study(
        FOUR_COMMENTS, [claim("ann", 0, 3)], [label("carl", 1, "deny")], annotators=["dora"]
    )
    report = thread_report(records)
    pairs = ["ann|carl", "ann|dora", "carl|dora"]
    assert report["annotators"] == ["ann", "carl", "dora"]
    assert list(report["reply_labels"]["kappa_pairwise"]) == pairs
    assert list(report["claims"]["span_f1"]["overlap"]["pairwise"]) == pairs
    assert list(report["claims"]["stance"]["pairwise"]) == pairs
    assert list(report["claims"]["alpha_u"]["pairwise"]) == pairs
    assert list(report["matrix"]["kappa"]) == pairs == list(report["matrix"]["f1"])


def test_it_reports_plain_json_numbers_and_null_never_nan():
    report = thread_report(study(FOUR_COMMENTS, [claim("a", 0, 3)], REPLY_LABELS))
    json.dumps(report, allow_nan=False)
    for leaf in walk(report):
        assert leaf is None or type(leaf) in (str, int, float)
        assert not (isinstance(leaf, float) and math.isnan(leaf))


def test_it_counts_the_claims_given():
    claims = [claim("a", 0, 3), claim("a", 1, 2), claim("b", 0, 3, text=2)]
    assert thread_report(study(FOUR_COMMENTS, claims))["claims"]["n_claims"] == 3


# --- reply labels --------------------------------------------------------------------------


def test_it_computes_reply_label_alpha_over_comments_labelled_twice_or_more():
    # units: c1 (s, s, d), c2 (q, q), c3 (d, s); c4 has one label and drops out
    # sum_{c!=k} o_ck: c1 (9 - 5)/2 = 2, c2 0, c3 (4 - 2)/1 = 2: 4
    # n_s = 3, n_d = 2, n_q = 2, n = 7; sum n_c n_k = 49 - 17 = 32; alpha = 1 - 6*4/32 = 1/4
    report = thread_report(study(FOUR_COMMENTS, labels=REPLY_LABELS))
    assert report["reply_labels"]["alpha_nominal"] == 0.25


def test_it_computes_reply_label_kappa_per_pair_over_comments_both_labelled():
    # a|b: (s,s) (q,q) (d,s): p_o = 2/3; a: s q d, b: s s q: p_e = (1*2 + 1*1)/9 = 1/3
    # kappa = (2/3 - 1/3)/(2/3) = 1/2. a|c and b|c: (s, d) once: p_o = p_e = 0, kappa 0
    # kappa_mean_pairwise = (1/2 + 0 + 0)/3 = 1/6
    reply = thread_report(study(FOUR_COMMENTS, labels=REPLY_LABELS))["reply_labels"]
    assert reply["kappa_pairwise"] == {
        "a|b": {"n": 3, "observed": 2 / 3, "kappa": 0.5},
        "a|c": {"n": 1, "observed": 0.0, "kappa": 0.0},
        "b|c": {"n": 1, "observed": 0.0, "kappa": 0.0},
    }
    assert reply["kappa_mean_pairwise"] == 1 / 6


def test_it_gives_no_reply_figures_with_a_single_annotator():
    reply = thread_report(study(FOUR_COMMENTS, labels=[label("a", 1, "deny")]))["reply_labels"]
    assert reply == {"alpha_nominal": None, "kappa_mean_pairwise": None, "kappa_pairwise": {}}


def test_it_gives_no_reply_alpha_when_no_comment_is_pairable():
    labels = [label("a", 1, "deny"), label("b", 2, "deny")]
    reply = thread_report(study(FOUR_COMMENTS, labels=labels))["reply_labels"]
    assert reply["alpha_nominal"] is None
    assert reply["kappa_pairwise"]["a|b"] == {"n": 0, "observed": None, "kappa": None}


def test_it_splits_reply_labels_by_comment_depth():
    # depth 1: c1 (s, s, d), c3 (d, s): sum o = 2 + 2 = 4, n_s = 3, n_d = 2, n = 5,
    # sum n_c n_k = 25 - 13 = 12, alpha = 1 - 4*4/12 = -1/3; a|b only c3 (d, s): kappa 0
    # depth 2: c2 (q, q): one value, no alpha; a|b p_e = 1: no kappa
    # depth "4+": c4 (depth 5) has a single label: nothing pairs
    by_depth = thread_report(study(FOUR_COMMENTS, labels=REPLY_LABELS))["by_depth"]
    assert by_depth["1"]["reply_labels"]["alpha_nominal"] == pytest.approx(-1 / 3, abs=1e-15)
    assert by_depth["1"]["reply_labels"]["kappa_pairwise"]["a|b"]["kappa"] == 0.0
    assert by_depth["2"]["reply_labels"]["alpha_nominal"] is None
    assert by_depth["2"]["reply_labels"]["kappa_pairwise"]["a|b"] == {
        "n": 1,
        "observed": 1.0,
        "kappa": None,
    }
    assert by_depth["3"]["reply_labels"]["kappa_mean_pairwise"] is None
    assert by_depth["4+"]["reply_labels"]["kappa_pairwise"]["a|b"]["n"] == 0


def test_it_reports_each_direction_apart_when_both_are_labelled():
    labels = [
        label("a", 1, "support"),
        label("b", 1, "support"),
        label("a", 2, "deny"),
        label("b", 2, "deny"),
        label("a", 1, "query", toward="root"),
        label("b", 1, "deny", toward="root"),
    ]
    report = thread_report(study(FOUR_COMMENTS, labels=labels))
    by_direction = report["reply_labels_by_direction"]
    assert list(by_direction) == ["parent", "root"]
    assert report["reply_labels"] == by_direction["parent"]
    assert by_direction["parent"]["kappa_pairwise"]["a|b"]["kappa"] == 1.0
    assert by_direction["root"]["kappa_pairwise"]["a|b"] == {
        "n": 1,
        "observed": 0.0,
        "kappa": 0.0,
    }


def test_it_headlines_the_only_direction_labelled():
    labels = [label("a", 1, "deny", toward="root"), label("b", 1, "deny", toward="root")]
    report = thread_report(study(FOUR_COMMENTS, labels=labels))
    assert "reply_labels_by_direction" not in report
    assert report["reply_labels"]["kappa_pairwise"]["a|b"]["n"] == 1


def test_it_keeps_declared_directions_even_without_labels():
    labels = [label("a", 1, "deny"), label("b", 1, "deny")]
    report = thread_report(study(FOUR_COMMENTS, labels=labels, directions=["parent", "root"]))
    assert report["reply_labels_by_direction"]["root"]["kappa_pairwise"]["a|b"]["n"] == 0
    assert report["reply_labels"]["kappa_pairwise"]["a|b"]["n"] == 1


def test_it_refuses_a_reply_label_on_the_article_or_an_unknown_comment():
    with pytest.raises(ValueError, match="unknown comment"):
        thread_report(study(FOUR_COMMENTS, labels=[label("a", None, "deny")]))
    with pytest.raises(ValueError, match="unknown comment"):
        thread_report(study(FOUR_COMMENTS, labels=[label("a", 99, "deny")]))


def test_it_refuses_two_labels_of_one_annotator_on_one_comment_and_direction():
    with pytest.raises(ValueError, match="twice"):
        thread_report(study(FOUR_COMMENTS, labels=[label("a", 1, "deny"), label("a", 1, "query")]))


# --- stance by depth and by target -----------------------------------------------------------

TARGET_TEXTS = [Text(None, 20, 0), Text(1, 20, 1), Text(2, 20, 4)]
TARGET_CLAIMS = [
    # article: both thesis, agree (no depth bucket)
    claim("a", 0, 5, stance="support", target="thesis"),
    claim("b", 0, 5, stance="support", target="thesis"),
    # comment 1 (depth 1): a targets the parent, b the thesis; disagree
    claim("a", 0, 5, text=1, stance="oppose", target="parent"),
    claim("b", 0, 5, text=1, stance="support", target="thesis"),
    # comment 2 (depth 4): both target a claim; agree
    claim("a", 0, 5, text=2, stance="support", target="claim"),
    claim("b", 0, 5, text=2, stance="support", target="claim"),
]


def test_it_splits_stance_by_depth_leaving_the_article_out():
    by_depth = thread_report(study(TARGET_TEXTS, TARGET_CLAIMS))["by_depth"]
    assert (by_depth["1"]["stance"]["n_matched"], by_depth["1"]["stance"]["observed"]) == (1, 0.0)
    assert (by_depth["4+"]["stance"]["n_matched"], by_depth["4+"]["stance"]["observed"]) == (
        1,
        1.0,
    )
    assert by_depth["2"]["stance"] == {
        "n_matched": 0,
        "observed": None,
        "kappa_mean_pairwise": None,
        "pairwise": {"a|b": {"n": 0, "observed": None, "kappa": None}},
    }


def test_it_counts_a_matched_pair_under_each_target_kind_once():
    # thesis: the article pair (once, though both claims target the thesis) and the
    # comment 1 pair (b's claim): (s, s), (o, s) -> 2 matched, observed 1/2
    # parent: the comment 1 pair (a's claim) -> 1, observed 0; claim: comment 2 -> 1, 1
    report = thread_report(study(TARGET_TEXTS, TARGET_CLAIMS))
    by_target = {kind: value["stance"] for kind, value in report["by_target"].items()}
    assert (by_target["thesis"]["n_matched"], by_target["thesis"]["observed"]) == (2, 0.5)
    assert (by_target["parent"]["n_matched"], by_target["parent"]["observed"]) == (1, 0.0)
    assert (by_target["claim"]["n_matched"], by_target["claim"]["observed"]) == (1, 1.0)
    assert report["claims"]["stance"]["n_matched"] == 3


def test_it_adds_other_target_kinds_in_use():
    claims = [claim("a", 0, 5, target="source"), claim("b", 0, 5, target="source")]
    by_target = thread_report(study(20, claims))["by_target"]
    assert sorted(by_target) == ["claim", "parent", "source", "thesis"]
    assert by_target["source"]["stance"]["n_matched"] == 1
    assert by_target["claim"]["stance"]["n_matched"] == 0


# --- matrix and alpha_U at thread level ------------------------------------------------------


def test_it_fills_the_matrix_from_reply_kappa_and_overlap_f1():
    claims = [claim("a", 0, 5), claim("b", 2, 6), claim("c", 7, 9)]
    report = thread_report(study(FOUR_COMMENTS, claims, REPLY_LABELS))
    assert report["matrix"]["kappa"] == {"a|b": 0.5, "a|c": 0.0, "b|c": 0.0}
    assert report["matrix"]["f1"] == {"a|b": 1.0, "a|c": 0.0, "b|c": 0.0}


def test_it_reports_alpha_u_pooled_and_pairwise_for_a_thread():
    # article of 10: a [1,4) and [6,8), b [2,4): alpha_U = 71/256 (see test_unitizing)
    claims = [claim("a", 1, 4), claim("a", 6, 8), claim("b", 2, 4)]
    alpha_u = thread_report(study(10, claims))["claims"]["alpha_u"]
    assert alpha_u == {
        "pooled": {
            "alpha": 71 / 256,
            "d_o": 1 / 20,
            "d_e": 64 / 925,
            "per_type": {"claim": 71 / 256},
        },
        "pairwise": {"a|b": 71 / 256},
    }


def test_it_gives_no_alpha_u_without_claims():
    alpha_u = thread_report(study(10, annotators=["a", "b"]))["claims"]["alpha_u"]
    assert alpha_u == {
        "pooled": {"alpha": None, "d_o": None, "d_e": None, "per_type": {}},
        "pairwise": {"a|b": None},
    }
