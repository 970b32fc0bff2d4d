"""The claim rules: pure functions over plain values, no database."""

from __future__ import annotations

import pytest

from annotate.rules import (
    ClaimPlace,
    ClaimRule,
    ClaimRuleError,
    attributes_check,
    note_check,
    one_target_check,
    relation_check,
    span_check,
    target_claim_check,
    target_value_check,
)

# A thread's reply tree by comment id: c1 > c2 > c3, and c4 at the top level.
PARENTS: dict[str, str | None] = {"c1": None, "c2": "c1", "c3": "c2", "c4": None}


def place(text: str | None, annotator: str = "alice", is_gold: bool = False, thread: str = "t1"):
    return ClaimPlace(annotator=annotator, is_gold=is_gold, thread=thread, text=text)


def broken_rule(check, **kwargs) -> ClaimRule:
    with pytest.raises(ClaimRuleError) as caught:
        check(**kwargs)
    return caught.value.rule


# -- span --------------------------------------------------------------------


def test_it_accepts_a_span_counted_in_code_points():
    # "😀" is one code point (two UTF-16 units, four UTF-8 bytes).
    span_check(text="First 😀 comment.", start=6, end=15, quote="😀 comment", in_article=False)


def test_it_accepts_a_span_that_ends_at_the_end_of_the_text():
    span_check(text="Deeper 𝕏", start=7, end=8, quote="𝕏", in_article=False)


def test_it_refuses_offsets_that_are_not_whole_numbers():
    rule = broken_rule(span_check, text="Thesis", start="0", end=6, quote="Thesis", in_article=True)

    assert rule is ClaimRule.SPAN_NOT_WHOLE_NUMBERS


def test_it_refuses_a_negative_start():
    rule = broken_rule(span_check, text="Thesis", start=-1, end=6, quote="Thesis", in_article=True)

    assert rule is ClaimRule.SPAN_OUTSIDE_TEXT


def test_it_refuses_a_span_past_the_end():
    rule = broken_rule(span_check, text="A reply.", start=0, end=99, quote="", in_article=False)

    assert rule is ClaimRule.SPAN_OUTSIDE_TEXT


def test_it_says_how_long_the_text_is_when_a_span_is_outside_it():
    with pytest.raises(ClaimRuleError) as caught:
        span_check(text="A reply.", start=0, end=99, quote="", in_article=False)

    assert str(caught.value) == (
        "The selection [0, 99) is outside this comment (it has 8 characters). "
        "Select the text again."
    )


def test_it_names_the_article_when_a_span_is_outside_its_body():
    with pytest.raises(ClaimRuleError, match="outside the article"):
        span_check(text="Thesis", start=0, end=7, quote="Thesis", in_article=True)


def test_it_refuses_an_empty_span():
    rule = broken_rule(span_check, text="Thesis", start=3, end=3, quote="", in_article=True)

    assert rule is ClaimRule.SPAN_EMPTY


def test_it_refuses_a_span_that_ends_before_it_starts():
    rule = broken_rule(span_check, text="Thesis", start=4, end=2, quote="", in_article=True)

    assert rule is ClaimRule.SPAN_EMPTY


def test_it_refuses_a_quote_that_is_not_the_text_at_the_span():
    rule = broken_rule(
        span_check, text="First 😀 comment.", start=6, end=15, quote="😀 commen", in_article=False
    )

    assert rule is ClaimRule.QUOTE_MISMATCH


def test_it_refuses_offsets_counted_in_utf16_units():
    # A browser's UTF-16 offsets put the end one unit past the code point span.
    rule = broken_rule(
        span_check, text="First 😀 comment.", start=6, end=16, quote="😀 comment", in_article=False
    )

    assert rule is ClaimRule.QUOTE_MISMATCH


def test_it_gives_span_errors_to_the_claim_as_a_whole():
    with pytest.raises(ClaimRuleError) as caught:
        span_check(text="Thesis", start=3, end=3, quote="", in_article=True)

    assert caught.value.field is None


# -- one stance target ---------------------------------------------------------


def test_it_accepts_a_target_value_alone():
    one_target_check(value="thesis", target_claim=None)


def test_it_accepts_a_target_claim_alone():
    one_target_check(value=None, target_claim=7)


def test_it_refuses_a_claim_without_a_stance_target():
    rule = broken_rule(one_target_check, value=None, target_claim=None)

    assert rule is ClaimRule.NOT_ONE_TARGET


def test_it_refuses_a_claim_with_both_a_target_value_and_a_target_claim():
    rule = broken_rule(one_target_check, value="thesis", target_claim=7)

    assert rule is ClaimRule.NOT_ONE_TARGET


def test_it_gives_target_errors_to_the_stance_target_field():
    with pytest.raises(ClaimRuleError) as caught:
        one_target_check(value=None, target_claim=None)

    assert caught.value.field == "stance_target"


# -- target value ----------------------------------------------------------------


def test_it_refuses_parent_as_the_target_of_a_claim_in_the_article():
    rule = broken_rule(target_value_check, name="parent", in_article=True)

    assert rule is ClaimRule.ARTICLE_HAS_NO_PARENT


def test_it_accepts_parent_as_the_target_of_a_claim_in_a_comment():
    target_value_check(name="parent", in_article=False)


def test_it_accepts_the_thesis_as_the_target_of_a_claim_in_the_article():
    target_value_check(name="thesis", in_article=True)


# -- target claim ----------------------------------------------------------------


def test_it_accepts_a_target_claim_in_the_article_body():
    target_claim_check(claim=place("c3"), target=place(None), parent_of=PARENTS.get)


def test_it_accepts_a_target_claim_in_the_parent_comment():
    target_claim_check(claim=place("c2"), target=place("c1"), parent_of=PARENTS.get)


def test_it_accepts_a_target_claim_several_comments_up_the_reply_chain():
    target_claim_check(claim=place("c3"), target=place("c1"), parent_of=PARENTS.get)


def test_it_refuses_a_target_claim_by_another_annotator():
    rule = broken_rule(
        target_claim_check,
        claim=place("c2"),
        target=place("c1", annotator="bob"),
        parent_of=PARENTS.get,
    )

    assert rule is ClaimRule.TARGET_NOT_OWN


def test_it_refuses_a_gold_target_for_an_annotators_claim():
    rule = broken_rule(
        target_claim_check,
        claim=place("c2"),
        target=place("c1", is_gold=True),
        parent_of=PARENTS.get,
    )

    assert rule is ClaimRule.TARGET_NOT_OWN


def test_it_accepts_a_gold_target_for_a_gold_claim():
    target_claim_check(
        claim=place("c2", is_gold=True), target=place("c1", is_gold=True), parent_of=PARENTS.get
    )


def test_it_accepts_another_reviewers_gold_claim_as_a_gold_target():
    # Gold is the reviewers' one shared version, whoever settled each of its claims.
    target_claim_check(
        claim=place("c2", annotator="victor", is_gold=True),
        target=place("c1", annotator="vera", is_gold=True),
        parent_of=PARENTS.get,
    )


def test_it_refuses_an_annotators_claim_as_a_gold_target():
    rule = broken_rule(
        target_claim_check,
        claim=place("c2", annotator="victor", is_gold=True),
        target=place("c1", annotator="victor"),
        parent_of=PARENTS.get,
    )

    assert rule is ClaimRule.TARGET_NOT_OWN


def test_it_refuses_a_target_claim_in_another_thread():
    rule = broken_rule(
        target_claim_check,
        claim=place("c2"),
        target=place(None, thread="t2"),
        parent_of=PARENTS.get,
    )

    assert rule is ClaimRule.TARGET_NOT_OWN


def test_it_refuses_a_target_claim_for_a_claim_in_the_article():
    rule = broken_rule(
        target_claim_check, claim=place(None), target=place(None), parent_of=PARENTS.get
    )

    assert rule is ClaimRule.TARGET_FROM_ARTICLE


def test_it_refuses_a_target_claim_in_the_same_comment():
    rule = broken_rule(
        target_claim_check, claim=place("c2"), target=place("c2"), parent_of=PARENTS.get
    )

    assert rule is ClaimRule.TARGET_NOT_UP_THE_CHAIN


def test_it_refuses_a_target_claim_in_a_reply_further_down():
    rule = broken_rule(
        target_claim_check, claim=place("c1"), target=place("c2"), parent_of=PARENTS.get
    )

    assert rule is ClaimRule.TARGET_NOT_UP_THE_CHAIN


def test_it_refuses_a_target_claim_in_another_branch_of_the_thread():
    rule = broken_rule(
        target_claim_check, claim=place("c3"), target=place("c4"), parent_of=PARENTS.get
    )

    assert rule is ClaimRule.TARGET_NOT_UP_THE_CHAIN


def test_it_looks_up_no_parent_when_the_target_is_in_the_article():
    def parent_of(comment):
        raise AssertionError(f"asked for the parent of {comment}")

    target_claim_check(claim=place("c3"), target=place(None), parent_of=parent_of)


def test_it_looks_up_parents_no_further_than_the_target():
    asked: list[str] = []

    def parent_of(comment):
        asked.append(comment)
        return PARENTS[comment]

    target_claim_check(claim=place("c3"), target=place("c2"), parent_of=parent_of)

    assert asked == ["c3"]


def test_it_words_target_claim_errors_as_the_annotators_page_shows_them():
    with pytest.raises(ClaimRuleError) as caught:
        target_claim_check(claim=place("c3"), target=place("c4"), parent_of=PARENTS.get)

    assert str(caught.value) == (
        "The target claim must be in the article or in a comment "
        "this one replies to (up the reply chain)."
    )


# -- note --------------------------------------------------------------------


def test_it_accepts_a_note_of_2000_characters():
    note_check(note="😀" * 2000)


def test_it_refuses_a_note_of_2001_characters():
    assert broken_rule(note_check, note="x" * 2001) == ClaimRule.NOTE_TOO_LONG


def test_it_words_a_long_note_for_the_note_field():
    with pytest.raises(ClaimRuleError) as caught:
        note_check(note="x" * 2001)
    assert caught.value.field == "note"
    assert caught.value.message == "The note has 2,001 characters; keep it to 2,000."


# -- relations -----------------------------------------------------------------


def relation(claim, other, itself=False):
    relation_check(claim=claim, other=other, parent_of=PARENTS.get, itself=itself)


def test_it_accepts_a_relation_within_one_comment():
    relation(place("c2"), place("c2"))


def test_it_accepts_a_relation_within_the_article():
    relation(place(None), place(None))


def test_it_accepts_a_relation_to_a_claim_in_the_article():
    relation(place("c3"), place(None))


def test_it_accepts_a_relation_to_a_claim_two_posts_up():
    relation(place("c3"), place("c1"))


def test_it_refuses_a_relation_to_itself():
    rule = broken_rule(
        relation_check, claim=place("c1"), other=place("c1"), parent_of=PARENTS.get, itself=True
    )
    assert rule is ClaimRule.RELATION_TO_ITSELF


def test_it_refuses_a_relation_down_the_reply_chain():
    rule = broken_rule(relation_check, claim=place("c1"), other=place("c2"), parent_of=PARENTS.get)
    assert rule is ClaimRule.RELATION_NOT_UP_THE_CHAIN


def test_it_refuses_a_relation_to_a_sibling_branch():
    rule = broken_rule(relation_check, claim=place("c4"), other=place("c1"), parent_of=PARENTS.get)
    assert rule is ClaimRule.RELATION_NOT_UP_THE_CHAIN


def test_it_refuses_a_relation_from_the_article_to_a_comment():
    rule = broken_rule(relation_check, claim=place(None), other=place("c1"), parent_of=PARENTS.get)
    assert rule is ClaimRule.RELATION_NOT_UP_THE_CHAIN


def test_it_refuses_a_relation_to_another_annotators_claim():
    rule = broken_rule(
        relation_check, claim=place("c2"), other=place("c1", annotator="bob"), parent_of=PARENTS.get
    )
    assert rule is ClaimRule.RELATION_NOT_OWN


def test_it_refuses_a_relation_from_gold_to_an_annotators_claim():
    rule = broken_rule(
        relation_check, claim=place("c2", is_gold=True), other=place("c1"), parent_of=PARENTS.get
    )
    assert rule is ClaimRule.RELATION_NOT_OWN


def test_it_refuses_a_relation_to_a_claim_of_another_thread():
    rule = broken_rule(
        relation_check, claim=place("c2"), other=place(None, thread="t2"), parent_of=PARENTS.get
    )
    assert rule is ClaimRule.RELATION_NOT_OWN


def test_it_accepts_a_gold_relation_between_claims_two_reviewers_settled():
    relation(place("c2", "victor", is_gold=True), place("c1", "wendy", is_gold=True))


def test_it_words_relation_errors_for_the_relation_field():
    with pytest.raises(ClaimRuleError) as caught:
        relation(place("c1"), place("c2"))
    assert caught.value.field == "relation"
    assert "up the reply chain" in caught.value.message


# -- attributes ----------------------------------------------------------------


def test_it_accepts_attributes_of_names_to_strings():
    attributes_check(attributes={"Confidence": "high", "Negated": "true"})


def test_it_accepts_no_attributes():
    attributes_check(attributes={})


@pytest.mark.parametrize(
    "attributes", [["high"], "high", None, {"Confidence": 3}, {"": "high"}, {"a": {"b": "c"}}]
)
def test_it_refuses_attributes_that_are_not_names_to_strings(attributes):
    assert broken_rule(attributes_check, attributes=attributes) is ClaimRule.ATTRIBUTES_NOT_STRINGS
