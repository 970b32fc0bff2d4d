"""Corpus reports: pooled counts, alpha_U means over threads, and rebuilding from pieces."""

from __future__ import annotations

import json
import random

import pytest

from annotate.agreement import (
    ClaimRecord,
    ReplyLabelRecord,
    Text,
    ThreadStudy,
    corpus_report,
    corpus_report_from_pieces,
    thread_figures,
    thread_report,
)
from tests.annotate.agreement.builders import claim, comments, label, study

# t1: a and b agree on everything. t2: a, b and c; c labels one comment and has no claim.
T1 = study(
    comments(1, 1, 1),
    [claim("a", 0, 5), claim("b", 0, 5)],
    [
        label("a", 1, "support"),
        label("b", 1, "support"),
        label("a", 2, "deny"),
        label("b", 2, "deny"),
        label("a", 3, "support"),
        label("b", 3, "support"),
    ],
)
T2 = study(
    comments(1, 1),
    [claim("a", 0, 5)],
    [
        label("a", 1, "support"),
        label("b", 1, "deny"),
        label("a", 2, "support"),
        label("b", 2, "support"),
        label("c", 2, "support"),
    ],
)


@pytest.fixture
def corpus():
    return corpus_report({"t1": T1, "t2": T2})["corpus"]


def test_it_pools_each_pairs_reply_labels_across_threads(corpus):
    # a|b items: t1 (s,s) (d,d) (s,s), t2 (s,d) (s,s): n = 5, p_o = 4/5
    # a: s 4, d 1; b: s 3, d 2: p_e = (4*3 + 1*2)/25 = 14/25; kappa = (6/25)/(11/25) = 6/11
    # (the threads' own kappas are 1 and 0: pooling is not averaging)
    assert corpus["reply_labels"]["kappa_pairwise"]["a|b"] == {
        "n": 5,
        "observed": 0.8,
        "kappa": 6 / 11,
    }
    # a|c and b|c share one comment, both "support": p_e = 1, no kappa
    assert corpus["reply_labels"]["kappa_pairwise"]["a|c"]["kappa"] is None
    assert corpus["reply_labels"]["kappa_mean_pairwise"] == 6 / 11


def test_it_pools_reply_label_alpha_over_all_comments_of_all_threads(corpus):
    # units: (s,s) (d,d) (s,s) (s,d) (s,s,s): off-diagonal coincidences 2 (from (s,d))
    # n_s = 8, n_d = 3, n = 11; sum n_c n_k = 121 - 64 - 9 = 48; alpha = 1 - 10*2/48 = 7/12
    assert corpus["reply_labels"]["alpha_nominal"] == 7 / 12


def test_it_pools_span_f1_counts_across_threads(corpus):
    # a|b: t1 1 match of 1 + 1, t2 0 of 1 + 0: 2*1/(2 + 1) = 2/3
    assert corpus["claims"]["span_f1"]["overlap"]["pairwise"]["a|b"] == {
        "f1": 2 / 3,
        "matches": 1,
        "n_first": 2,
        "n_second": 1,
    }


def test_it_averages_alpha_u_over_threads(corpus):
    # t1 (L = 40): identical units: 1. t2 (L = 30, R = 3, a's [0,5) alone):
    # D_o = 2*(25 + 25)/(3*2*900) = 1/54
    # D_e = (2/30) * 25 * ((25-5+1) + (30-5+1) * 2) / (90*89 - 20) = 73/4794
    # alpha = 1 - (1/54)/(73/4794) = -142/657; mean = (1 - 142/657)/2 = 515/1314
    # t2 a|b (and a|c): D_o = 2*25/(2*900) = 1/36,
    # D_e = (2/30) * 25 * (21 + 26)/(60*59 - 20) = 47/2112, alpha = 1 - 2112/1692 = -35/141
    # b|c has no unit in t2 and is not in t1: None
    alpha_u = corpus["claims"]["alpha_u"]
    assert alpha_u["thread_mean"] == pytest.approx(515 / 1314, abs=1e-15)
    assert alpha_u["per_type_thread_mean"] == {"claim": pytest.approx(515 / 1314, abs=1e-15)}
    assert alpha_u["pairwise_thread_mean"] == {
        "a|b": pytest.approx((1 - 35 / 141) / 2, abs=1e-15),
        "a|c": pytest.approx(-35 / 141, abs=1e-15),
        "b|c": None,
    }


def test_it_counts_all_claims_and_annotators_of_the_corpus(corpus):
    assert corpus["claims"]["n_claims"] == 3
    assert corpus["annotators"] == ["a", "b", "c"]


def test_it_gives_none_for_a_pair_that_never_shared_a_thread():
    t3 = study(10, [claim("d", 0, 5), claim("e", 0, 5)])
    corpus = corpus_report({"t1": T1, "t3": t3})["corpus"]
    assert corpus["claims"]["span_f1"]["overlap"]["pairwise"]["a|d"]["f1"] is None
    assert corpus["claims"]["alpha_u"]["pairwise_thread_mean"]["a|d"] is None
    assert corpus["reply_labels"]["kappa_pairwise"]["a|d"]["n"] == 0


def test_it_gives_none_for_an_empty_corpus():
    corpus = corpus_report({})["corpus"]
    assert corpus["annotators"] == []
    assert corpus["reply_labels"]["alpha_nominal"] is None
    assert corpus["claims"]["alpha_u"] == {
        "thread_mean": None,
        "per_type_thread_mean": {},
        "pairwise_thread_mean": {},
    }


# --- pieces --------------------------------------------------------------------------------


def random_thread(rng: random.Random) -> ThreadStudy:
    """A small messy thread: several depths, types, stances, targets, both directions."""
    depth, texts = 0, [Text(None, rng.randint(0, 30), 0)]
    for key in range(1, rng.randint(1, 8)):
        depth = rng.randint(1, depth + 1)
        texts.append(Text(key, rng.randint(1, 30), depth))
    annotators = rng.sample(["ann", "bo", "cy", "di"], rng.randint(1, 4))
    claims = []
    for order in range(rng.randint(0, 25)):
        text = rng.choice([t for t in texts if t.length > 0] or [None])
        if text is None:
            break
        start = rng.randrange(text.length)
        claims.append(
            ClaimRecord(
                annotator=rng.choice(annotators),
                text_key=text.key,
                start=start,
                end=rng.randint(start + 1, text.length),
                claim_type=rng.choice(["claim", "premise"]),
                stance=rng.choice(["support", "oppose", "neutral"]),
                target_kind=rng.choice(["thesis", "parent", "claim", "source"]),
                order=order,
            )
        )
    labels = [
        ReplyLabelRecord(name, text.key, rng.choice(["support", "deny", "query"]), toward)
        for text in texts[1:]
        for name in annotators
        for toward in ("parent", "root")
        if rng.random() < (0.8 if toward == "parent" else 0.3)
    ]
    return ThreadStudy(texts, claims, labels, annotators[: rng.randint(0, len(annotators))])


@pytest.fixture
def studies():
    rng = random.Random(7)
    return {f"thread-{n}": random_thread(rng) for n in range(25)}


def test_it_rebuilds_the_corpus_report_from_pieces(studies):
    pieces = {key: thread_figures(s) for key, s in studies.items()}
    assert corpus_report_from_pieces(pieces) == corpus_report(studies)


def test_it_rebuilds_the_same_report_from_pieces_that_went_through_json(studies):
    stored = json.loads(json.dumps({key: thread_figures(s) for key, s in studies.items()}))
    assert corpus_report_from_pieces(stored) == corpus_report(studies)


def test_it_keeps_pieces_equal_through_a_json_round_trip(studies):
    for s in studies.values():
        piece = thread_figures(s)
        assert json.loads(json.dumps(piece, allow_nan=False)) == piece


def test_it_refuses_pieces_of_another_layout(studies):
    piece = dict(thread_figures(studies["thread-0"]), version=0)
    with pytest.raises(ValueError, match="recompute"):
        corpus_report_from_pieces({"thread-0": piece})


def test_it_reports_each_thread_as_thread_report_does(studies):
    threads = corpus_report(studies)["threads"]
    assert threads == {key: thread_report(s) for key, s in studies.items()}


def test_it_reports_both_directions_where_the_corpus_labels_both(studies):
    report = corpus_report(studies)["corpus"]
    assert list(report["reply_labels_by_direction"]) == ["parent", "root"]
    assert report["reply_labels"] == report["reply_labels_by_direction"]["parent"]
    assert report["claims"]["n_claims"] == sum(len(s.claims) for s in studies.values())
