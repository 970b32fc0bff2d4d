"""The gold services: every rule, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotate.models import AnnotationEvent, Claim, LabelKind, ReplyLabel, ReviewStatus
from annotate.services import claims as claim_services
from annotate.services import gold
from annotate.services import reply_labels as reply_services
from tests.factories import ClaimFactory, CorpusGrantFactory, UserFactory

pytestmark = pytest.mark.django_db


def _accept(labelled, who, key):
    claim = labelled[key]
    return gold.gold_claim_accept(reviewer=who, claim_id=claim.pk, seen=gold.version_of(claim))


def test_it_accepts_a_claim_into_gold_with_its_source(labelled, victor, alice):
    accepted = _accept(labelled, victor, "a_thesis")
    claim = Claim.objects.get(pk=accepted.claim.pk)
    assert (claim.is_gold, claim.annotator_id, claim.source_id) == (True, victor.pk, alice.pk)


def test_it_copies_the_span_and_labels_of_the_accepted_claim(labelled, victor):
    claim = _accept(labelled, victor, "b_thesis").claim
    source = labelled["b_thesis"]
    assert (claim.start, claim.end, claim.quote, claim.stance_id, claim.stance_target_id) == (
        source.start,
        source.end,
        source.quote,
        source.stance_id,
        source.stance_target_id,
    )


def test_it_records_an_accept_in_the_history(labelled, victor, alice):
    claim = _accept(labelled, victor, "a_thesis").claim
    event = AnnotationEvent.objects.get(object_type="claim", object_id=claim.pk)
    assert (event.actor_id, event.action, event.after["source_id"]) == (
        victor.pk,
        "create",
        alice.pk,
    )


def test_it_puts_an_unreviewed_thread_in_review_at_the_first_accept(labelled, victor):
    _accept(labelled, victor, "a_thesis")
    assert labelled["article"].review.status == ReviewStatus.IN_REVIEW


def test_it_refuses_an_accept_of_a_claim_changed_since_the_page_showed_it(labelled, victor, alice):
    seen = gold.version_of(labelled["a_thesis"])
    claim_services.claim_update(
        claim=labelled["a_thesis"],
        actor=alice,
        stance=labelled["value"](LabelKind.STANCE, "neutral"),
    )
    with pytest.raises(gold.GoldConflict, match="changed by alice at .*now: neutral"):
        gold.gold_claim_accept(reviewer=victor, claim_id=labelled["a_thesis"].pk, seen=seen)
    assert not Claim.objects.filter(is_gold=True).exists()


def test_it_refuses_an_accept_of_a_claim_deleted_meanwhile_saying_by_whom(labelled, victor, bob):
    claim = labelled["b_comment"]
    seen = gold.version_of(claim)
    claim_services.claim_delete(claim=claim, actor=bob)
    with pytest.raises(gold.GoldConflict, match="deleted by bob at"):
        gold.gold_claim_accept(reviewer=victor, claim_id=claim.pk, seen=seen)
    assert not Claim.objects.filter(is_gold=True).exists()


def test_it_refuses_an_accept_of_a_span_another_reviewer_accepted(labelled, victor, corpus):
    other = UserFactory(username="vera")
    CorpusGrantFactory(user=other, corpus=corpus, role="reviewer")
    _accept(labelled, other, "a_thesis")
    with pytest.raises(gold.GoldConflict, match="already in gold \\(accepted from alice by vera"):
        _accept(labelled, victor, "b_thesis")
    assert Claim.objects.filter(is_gold=True).count() == 1


def test_it_refuses_an_accept_on_a_thread_the_user_does_not_review(labelled, rita):
    with pytest.raises(ValidationError, match="not in a corpus you review"):
        _accept(labelled, rita, "a_thesis")
    assert not Claim.objects.filter(is_gold=True).exists()


def test_it_lets_an_admin_accept_on_any_thread(labelled, admin_user):
    assert _accept(labelled, admin_user, "a_thesis").claim.is_gold


def test_it_targets_the_gold_claim_accepted_from_the_target(labelled, victor, alice):
    target = _accept(labelled, victor, "a_thesis").claim
    reply = ClaimFactory(
        annotator=alice,
        article=labelled["article"],
        comment=labelled["c1"],
        start=9,
        end=16,
        quote="comment",
        stance_target=None,
        target_claim=labelled["a_thesis"],
    )
    accepted = gold.gold_claim_accept(
        reviewer=victor, claim_id=reply.pk, seen=gold.version_of(reply)
    )
    assert (accepted.claim.target_claim_id, accepted.note) == (target.pk, "")


def test_it_falls_back_to_the_thesis_when_the_target_is_not_gold(labelled, victor, alice):
    reply = ClaimFactory(
        annotator=alice,
        article=labelled["article"],
        comment=labelled["c1"],
        start=9,
        end=16,
        quote="comment",
        stance_target=None,
        target_claim=labelled["a_thesis"],
    )
    accepted = gold.gold_claim_accept(
        reviewer=victor, claim_id=reply.pk, seen=gold.version_of(reply)
    )
    assert accepted.claim.stance_target.name == "thesis"
    assert "not in gold yet" in accepted.note


def test_it_falls_back_to_the_parent_when_a_target_in_a_comment_is_not_gold(
    labelled, victor, alice
):
    reply = ClaimFactory(
        annotator=alice,
        article=labelled["article"],
        comment=labelled["c2"],
        start=0,
        end=1,
        quote="A",
        stance_target=None,
        target_claim=labelled["a_first"],
    )
    accepted = gold.gold_claim_accept(
        reviewer=victor, claim_id=reply.pk, seen=gold.version_of(reply)
    )
    assert accepted.claim.stance_target.name == "parent"


def test_it_accepts_all_of_one_annotators_claims_on_a_text(labelled, victor, alice):
    c1 = labelled["c1"]
    a_first = labelled["a_first"]
    accepted, skipped = gold.gold_claims_accept_all(
        reviewer=victor,
        article=labelled["article"],
        annotator_id=alice.pk,
        comment_id=c1.pk,
        seen={a_first.pk: gold.version_of(a_first)},
    )
    assert ([a.claim.quote for a in accepted], skipped) == (["First"], 0)


def test_it_skips_spans_already_in_gold_when_accepting_all(labelled, victor, bob):
    _accept(labelled, victor, "a_thesis")
    b_thesis = labelled["b_thesis"]
    accepted, skipped = gold.gold_claims_accept_all(
        reviewer=victor,
        article=labelled["article"],
        annotator_id=bob.pk,
        comment_id=None,
        seen={b_thesis.pk: gold.version_of(b_thesis)},
    )
    assert (accepted, skipped) == ([], 1)


def test_it_refuses_accept_all_when_the_lane_changed(labelled, victor, alice):
    with pytest.raises(gold.GoldConflict, match="alice's claims on this text changed"):
        gold.gold_claims_accept_all(
            reviewer=victor,
            article=labelled["article"],
            annotator_id=alice.pk,
            comment_id=labelled["c1"].pk,
            seen={},
        )
    assert not Claim.objects.filter(is_gold=True).exists()


def test_it_accepts_a_reply_label_into_gold(labelled, victor, alice):
    label = labelled["a_reply"]
    reply = gold.gold_reply_label_accept(
        reviewer=victor, reply_label_id=label.pk, seen=str(label.label_id), seen_gold=""
    )
    assert (reply.is_gold, reply.annotator_id, reply.source_id, reply.label_id) == (
        True,
        victor.pk,
        alice.pk,
        label.label_id,
    )


def test_it_replaces_the_gold_reply_label_it_saw(labelled, victor, bob):
    first = gold.gold_reply_label_accept(
        reviewer=victor,
        reply_label_id=labelled["a_reply"].pk,
        seen=str(labelled["a_reply"].label_id),
        seen_gold="",
    )
    reply_services.reply_label_set(
        annotator=bob,
        comment=labelled["c1"],
        label=labelled["value"](LabelKind.REPLY_LABEL, "query"),
    )
    b_reply = ReplyLabel.objects.get(pk=labelled["b_reply"].pk)
    second = gold.gold_reply_label_accept(
        reviewer=victor,
        reply_label_id=b_reply.pk,
        seen=str(b_reply.label_id),
        seen_gold=gold.version_of(first),
    )
    assert (second.pk, second.label.name, second.source_id) == (first.pk, "query", bob.pk)


def test_it_refuses_a_reply_accept_of_a_label_changed_since(labelled, victor, alice):
    seen = str(labelled["a_reply"].label_id)
    reply_services.reply_label_set(
        annotator=alice,
        comment=labelled["c1"],
        label=labelled["value"](LabelKind.REPLY_LABEL, "query"),
    )
    with pytest.raises(gold.GoldConflict, match="alice's reply label was changed to “query”"):
        gold.gold_reply_label_accept(
            reviewer=victor, reply_label_id=labelled["a_reply"].pk, seen=seen, seen_gold=""
        )
    assert not ReplyLabel.objects.filter(is_gold=True).exists()


def test_it_refuses_a_reply_accept_when_the_gold_label_changed(labelled, victor):
    gold.gold_reply_label_accept(
        reviewer=victor,
        reply_label_id=labelled["a_reply"].pk,
        seen=str(labelled["a_reply"].label_id),
        seen_gold="",
    )
    with pytest.raises(gold.GoldConflict, match="set to “deny” by victor"):
        gold.gold_reply_label_accept(
            reviewer=victor,
            reply_label_id=labelled["b_reply"].pk,
            seen=str(labelled["b_reply"].label_id),
            seen_gold="",
        )


def test_it_accepts_the_majority_reply_label_from_the_first_annotator(labelled, victor, alice):
    reply = gold.gold_reply_label_majority(
        reviewer=victor, comment=labelled["c1"], seen=_seen(labelled, "c1"), seen_gold=""
    )
    assert (reply.label.name, reply.source_id) == ("deny", alice.pk)


def _seen(labelled, key):
    rows = ReplyLabel.objects.filter(comment=labelled[key], is_gold=False).select_related(
        "annotator"
    )
    return gold.reply_labels_fingerprint([(r.annotator.username, r.label_id) for r in rows])


def test_it_refuses_the_majority_when_the_labels_changed(labelled, victor, alice):
    seen = _seen(labelled, "c1")
    reply_services.reply_label_set(
        annotator=alice,
        comment=labelled["c1"],
        label=labelled["value"](LabelKind.REPLY_LABEL, "query"),
    )
    with pytest.raises(gold.GoldConflict, match="now: .*alice query"):
        gold.gold_reply_label_majority(
            reviewer=victor, comment=labelled["c1"], seen=seen, seen_gold=""
        )


def test_it_refuses_the_majority_of_a_tie(labelled, victor, alice):
    reply_services.reply_label_set(
        annotator=alice,
        comment=labelled["c1"],
        label=labelled["value"](LabelKind.REPLY_LABEL, "query"),
    )
    with pytest.raises(ValidationError, match="no majority"):
        gold.gold_reply_label_majority(
            reviewer=victor, comment=labelled["c1"], seen=_seen(labelled, "c1"), seen_gold=""
        )
    assert not ReplyLabel.objects.filter(is_gold=True).exists()


def _draw(labelled, who, **kwargs):
    value = labelled["value"]
    args = {
        "reviewer": who,
        "article": labelled["article"],
        "comment": labelled["c2"],
        "start": 2,
        "end": 7,
        "quote": "reply",
        "claim_type": value(LabelKind.CLAIM_TYPE, "claim"),
        "stance": value(LabelKind.STANCE, "neutral"),
        "stance_target": value(LabelKind.STANCE_TARGET, "parent"),
    }
    return gold.gold_claim_draw(**{**args, **kwargs})


def test_it_draws_a_gold_claim_without_a_source(labelled, victor):
    claim = _draw(labelled, victor)
    assert (claim.is_gold, claim.source_id, claim.annotator_id) == (True, None, victor.pk)


def test_it_draws_a_gold_claim_targeting_a_gold_claim_up_the_chain(labelled, victor):
    target = _accept(labelled, victor, "a_first").claim
    claim = _draw(labelled, victor, stance_target=None, target_claim=target)
    assert claim.target_claim_id == target.pk


def test_it_refuses_a_gold_target_that_is_not_gold(labelled, victor):
    with pytest.raises(ValidationError, match="must be another gold claim"):
        _draw(labelled, victor, stance_target=None, target_claim=labelled["a_first"])
    assert not Claim.objects.filter(is_gold=True).exists()


def test_it_refuses_a_drawn_span_that_does_not_match_the_text(labelled, victor):
    with pytest.raises(ValidationError, match="does not match"):
        _draw(labelled, victor, quote="Reply")


def test_it_refuses_a_drawing_on_a_thread_the_user_does_not_review(labelled, alice):
    with pytest.raises(ValidationError, match="not in a corpus you review"):
        _draw(labelled, alice)


def _update(claim, who, seen, labelled, stance="oppose"):
    value = labelled["value"]
    return gold.gold_claim_update(
        reviewer=who,
        claim_id=claim.pk,
        seen=seen,
        claim_type=claim.claim_type,
        stance=value(LabelKind.STANCE, stance),
        stance_target=claim.stance_target,
        target_claim=None,
        note="settled",
    )


def test_it_edits_a_gold_claim_and_records_it(labelled, victor):
    claim = _draw(labelled, victor)
    updated = _update(claim, victor, gold.version_of(claim), labelled)
    event = AnnotationEvent.objects.filter(object_id=claim.pk, action="update").get()
    assert (updated.stance.name, event.before["stance"], event.after["stance"]) == (
        "oppose",
        "neutral",
        "oppose",
    )


def test_it_keeps_the_source_when_another_reviewer_edits(labelled, victor, corpus, alice):
    other = UserFactory(username="vera")
    CorpusGrantFactory(user=other, corpus=corpus, role="reviewer")
    claim = _accept(labelled, victor, "a_first").claim
    updated = _update(claim, other, gold.version_of(claim), labelled)
    assert (updated.source_id, updated.annotator_id) == (alice.pk, other.pk)


def test_it_refuses_an_edit_of_a_gold_claim_changed_meanwhile(labelled, victor, corpus):
    other = UserFactory(username="vera")
    CorpusGrantFactory(user=other, corpus=corpus, role="reviewer")
    claim = _draw(labelled, victor)
    seen = gold.version_of(claim)
    _update(claim, other, seen, labelled, stance="support")
    with pytest.raises(gold.GoldConflict, match="changed by vera at .*now: support"):
        _update(claim, victor, seen, labelled)
    assert Claim.objects.get(pk=claim.pk).stance.name == "support"


def test_it_refuses_an_edit_of_a_gold_claim_deleted_meanwhile(labelled, victor):
    claim = _draw(labelled, victor)
    seen = gold.version_of(claim)
    gold.gold_claim_delete(reviewer=victor, claim_id=claim.pk, seen=seen)
    with pytest.raises(gold.GoldConflict, match="deleted by victor at"):
        _update(claim, victor, seen, labelled)


def test_it_deletes_a_gold_claim_keeping_it_in_the_history(labelled, victor):
    claim = _draw(labelled, victor)
    gold.gold_claim_delete(reviewer=victor, claim_id=claim.pk, seen=gold.version_of(claim))
    event = AnnotationEvent.objects.get(object_id=claim.pk, action="delete")
    assert (Claim.objects.filter(pk=claim.pk).exists(), event.before["quote"]) == (False, "reply")


def test_it_refuses_to_delete_a_gold_claim_another_gold_claim_targets(labelled, victor):
    target = _accept(labelled, victor, "a_first").claim
    _draw(labelled, victor, stance_target=None, target_claim=target)
    with pytest.raises(ValidationError, match="target this claim"):
        gold.gold_claim_delete(reviewer=victor, claim_id=target.pk, seen=gold.version_of(target))


def test_it_marks_a_thread_reviewed(labelled, victor):
    review = gold.review_status_set(
        reviewer=victor, article=labelled["article"], status=ReviewStatus.REVIEWED
    )
    assert (review.status, review.updated_by_id) == ("reviewed", victor.pk)


def test_it_refuses_an_unknown_review_status(labelled, victor):
    with pytest.raises(ValidationError, match="No review status named 'done'"):
        gold.review_status_set(reviewer=victor, article=labelled["article"], status="done")


def test_it_refuses_a_review_status_from_a_user_who_does_not_review(labelled, alice):
    with pytest.raises(ValidationError, match="not in a corpus you review"):
        gold.review_status_set(reviewer=alice, article=labelled["article"], status="reviewed")


def test_it_leaves_a_reviewed_thread_reviewed_after_a_gold_change(labelled, victor):
    gold.review_status_set(reviewer=victor, article=labelled["article"], status="reviewed")
    _accept(labelled, victor, "a_thesis")
    labelled["article"].review.refresh_from_db()
    assert labelled["article"].review.status == "reviewed"
