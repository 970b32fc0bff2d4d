"""alpha_U properties on random small threads, and the fast code against the brute force."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.agreement import ClaimRecord, Text, ThreadStudy, thread_figures
from annotate.agreement.unitizing import continuum_units, thread_unitizing
from tests.annotate.agreement.brute_force import brute_alpha_u, brute_units

TYPES = st.sampled_from(["x", "y"])


@st.composite
def texts_strategy(draw: st.DrawFn, min_length: int = 0) -> list[Text]:
    lengths = draw(st.lists(st.integers(min_length, 12), min_size=1, max_size=3))
    texts = [Text(key=None, length=lengths[0], depth=0)]
    texts += [Text(key=n, length=length, depth=n) for n, length in enumerate(lengths[1:], 1)]
    return texts


@st.composite
def claims_strategy(draw: st.DrawFn, texts: list[Text], annotators: list[str]) -> ClaimRecord:
    text = draw(st.sampled_from([t for t in texts if t.length > 0]))
    start = draw(st.integers(0, text.length - 1))
    end = draw(st.integers(start + 1, text.length))
    return ClaimRecord(
        annotator=draw(st.sampled_from(annotators)),
        text_key=text.key,
        start=start,
        end=end,
        claim_type=draw(TYPES),
        stance="support",
        target_kind="thesis",
        order=draw(st.integers(0, 1000)),
    )


@st.composite
def studies(draw: st.DrawFn, min_claims: int = 0) -> ThreadStudy:
    texts = draw(texts_strategy(min_length=1 if min_claims else 0))
    annotators = draw(st.lists(st.sampled_from("abcd"), min_size=1, max_size=4, unique=True))
    claims: list[ClaimRecord] = []
    if any(t.length > 0 for t in texts):
        claims = draw(
            st.lists(claims_strategy(texts, annotators), min_size=min_claims, max_size=12)
        )
    return ThreadStudy(texts=texts, claims=claims, reply_labels=[], annotators=annotators)


def fast(study: ThreadStudy) -> tuple[object, object]:
    length, units = continuum_units(study.texts, study.claims)
    return thread_unitizing(length, study.annotators, units)


@settings(max_examples=300, deadline=None)
@given(studies())
def test_it_prepares_the_units_the_literal_rule_gives(study):
    assert sorted(continuum_units(study.texts, study.claims)[1], key=repr) == sorted(
        brute_units(study.texts, study.claims)[1], key=repr
    )


@settings(max_examples=300, deadline=None)
@given(studies())
def test_it_equals_the_brute_force_pooled_and_pairwise(study):
    length, units = brute_units(study.texts, study.claims)
    pooled, pairwise = fast(study)
    expected = brute_alpha_u(length, study.annotators, units)
    assert (pooled.alpha, pooled.observed, pooled.expected, pooled.per_category) == expected
    for (first, second), result in pairwise.items():
        pair_units = [u for u in units if u.rater in (first, second)]
        assert (result.alpha, result.observed, result.expected, result.per_category) == (
            brute_alpha_u(length, [first, second], pair_units)
        )


@settings(max_examples=200, deadline=None)
@given(studies(min_claims=1), st.integers(2, 3))
def test_it_gives_one_for_identical_annotators(study, copies):
    first = study.claims[0].annotator
    mine = [c for c in study.claims if c.annotator == first]
    names = [f"copy{n}" for n in range(copies)]
    claims = [replace(c, annotator=name) for name in names for c in mine]
    same = ThreadStudy(texts=study.texts, claims=claims, reply_labels=[], annotators=names)
    pooled, pairwise = fast(same)
    assert pooled.alpha == 1
    assert all(result.alpha == 1 for result in pairwise.values())


@settings(max_examples=200, deadline=None)
@given(studies(), st.randoms(use_true_random=False))
def test_it_does_not_depend_on_the_order_of_claims_or_annotators(study, rng):
    claims, annotators = list(study.claims), list(study.annotators)
    rng.shuffle(claims)
    rng.shuffle(annotators)
    shuffled = replace(study, claims=claims, annotators=annotators)
    assert thread_figures(shuffled)["alpha_u"] == thread_figures(study)["alpha_u"]
