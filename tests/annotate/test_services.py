"""The annotation services: validation before writing, history, idempotent creates."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotate.models import (
    AnnotationEvent,
    Assignment,
    AssignmentStatus,
    Claim,
    LabelKind,
    ReplyLabel,
)
from annotate.services.assignments import assignment_set_status
from annotate.services.claims import claim_create, claim_delete, claim_update
from annotate.services.reply_labels import reply_label_clear, reply_label_set
from tests.factories import ClaimFactory, CommentFactory, CorpusFactory, label


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast's accounts are made with a real password; a fast hasher keeps setup quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _labels(corpus):
    return {
        "claim_type": label(corpus, LabelKind.CLAIM_TYPE, "claim"),
        "stance": label(corpus, LabelKind.STANCE, "oppose"),
        "stance_target": label(corpus, LabelKind.STANCE_TARGET, "thesis"),
    }


def _create(annotator, article, comment, start, end, **kwargs):
    text = comment.text if comment else article.body
    values = {**_labels(article.corpus), **kwargs}
    values.setdefault("quote", text[start:end])
    return claim_create(
        annotator=annotator, article=article, comment=comment, start=start, end=end, **values
    )


def test_it_creates_a_claim_with_code_point_offsets(thread, alice):
    c1 = thread["c1"]  # "First 😀 comment."
    claim = _create(alice, thread["article"], c1, 6, 15)
    claim.refresh_from_db()
    assert claim.quote == "😀 comment"
    assert (claim.start, claim.end) == (6, 15)


def test_it_records_a_create_event_with_a_snapshot(thread, alice):
    claim = _create(alice, thread["article"], thread["c1"], 0, 5)
    event = AnnotationEvent.objects.get(object_type="claim", object_id=claim.pk)
    assert event.action == "create"
    assert event.actor == alice
    assert event.article_id == thread["article"].pk
    assert event.before is None
    assert event.after["quote"] == "First"
    assert event.after["stance"] == "oppose"


def test_it_rejects_a_span_past_the_end(thread, alice):
    with pytest.raises(ValidationError, match="outside"):
        _create(alice, thread["article"], thread["c2"], 0, 99, quote="A reply.")
    assert not Claim.objects.exists()


def test_it_rejects_a_negative_start(thread, alice):
    with pytest.raises(ValidationError, match="outside"):
        _create(alice, thread["article"], thread["c2"], -1, 3, quote="A r")


def test_it_rejects_an_empty_span(thread, alice):
    with pytest.raises(ValidationError, match="empty"):
        _create(alice, thread["article"], thread["c2"], 3, 3, quote="")


def test_it_rejects_a_quote_that_does_not_match(thread, alice):
    with pytest.raises(ValidationError, match="does not match"):
        _create(alice, thread["article"], thread["c2"], 0, 5, quote="B rep")
    assert not AnnotationEvent.objects.exists()


def test_it_rejects_utf16_offsets_across_an_emoji(thread, alice):
    # "First 😀 comment.": in UTF-16 "comment" starts at 9, in code points at 8.
    with pytest.raises(ValidationError, match="does not match"):
        _create(alice, thread["article"], thread["c1"], 9, 16, quote="comment")


def test_it_rejects_a_comment_of_another_thread(thread, alice, corpus):
    other = CommentFactory(article__corpus=corpus, text="Elsewhere.")
    with pytest.raises(ValidationError, match="not in this thread"):
        _create(alice, thread["article"], other, 0, 4)


def test_it_rejects_a_label_from_another_corpus(thread, alice):
    other = CorpusFactory()
    with pytest.raises(ValidationError, match="not a stance of this corpus"):
        _create(
            alice, thread["article"], thread["c1"], 0, 5, stance=label(other, "stance", "support")
        )


def test_it_rejects_a_label_of_the_wrong_kind(thread, alice, corpus):
    with pytest.raises(ValidationError, match="not a claim type"):
        _create(
            alice,
            thread["article"],
            thread["c1"],
            0,
            5,
            claim_type=label(corpus, "stance", "oppose"),
        )


def test_it_rejects_a_retired_label(thread, alice, corpus):
    neutral = label(corpus, LabelKind.STANCE, "neutral")
    neutral.retired = True
    neutral.save()
    with pytest.raises(ValidationError, match="retired"):
        _create(alice, thread["article"], thread["c1"], 0, 5, stance=neutral)


def test_it_rejects_parent_as_the_target_of_an_article_claim(thread, alice, corpus):
    parent = label(corpus, LabelKind.STANCE_TARGET, "parent")
    with pytest.raises(ValidationError, match="thesis"):
        _create(alice, thread["article"], None, 0, 6, stance_target=parent)


def test_it_accepts_a_target_claim_in_an_ancestor_comment(thread, alice):
    target = _create(alice, thread["article"], thread["c1"], 0, 5)
    claim = _create(
        alice, thread["article"], thread["c3"], 0, 6, stance_target=None, target_claim=target
    )
    assert claim.target_claim == target


def test_it_accepts_a_target_claim_in_the_article_body(thread, alice):
    target = _create(alice, thread["article"], None, 0, 6)
    claim = _create(
        alice, thread["article"], thread["c4"], 0, 6, stance_target=None, target_claim=target
    )
    assert claim.target_claim == target


def test_it_rejects_a_target_claim_outside_the_reply_chain(thread, alice):
    target = _create(alice, thread["article"], thread["c4"], 0, 6)
    with pytest.raises(ValidationError, match="reply chain"):
        _create(
            alice, thread["article"], thread["c3"], 0, 6, stance_target=None, target_claim=target
        )


def test_it_rejects_a_target_claim_in_the_same_text(thread, alice):
    target = _create(alice, thread["article"], thread["c3"], 0, 6)
    with pytest.raises(ValidationError, match="reply chain"):
        _create(
            alice, thread["article"], thread["c3"], 7, 10, stance_target=None, target_claim=target
        )


def test_it_rejects_a_target_claim_of_another_annotator(thread, alice, bob):
    target = _create(bob, thread["article"], thread["c1"], 0, 5)
    with pytest.raises(ValidationError, match="your own"):
        _create(
            alice, thread["article"], thread["c3"], 0, 6, stance_target=None, target_claim=target
        )


def test_it_rejects_two_targets_at_once(thread, alice):
    target = _create(alice, thread["article"], thread["c1"], 0, 5)
    with pytest.raises(ValidationError, match="one stance target"):
        _create(alice, thread["article"], thread["c3"], 0, 6, target_claim=target)


def test_it_returns_the_same_claim_for_a_double_submit(thread, alice):
    token = uuid.uuid4()
    first = _create(alice, thread["article"], thread["c1"], 0, 5, client_token=token)
    second = _create(alice, thread["article"], thread["c1"], 0, 5, client_token=token)
    assert first.pk == second.pk
    assert Claim.objects.count() == 1
    assert AnnotationEvent.objects.count() == 1


def test_it_moves_a_todo_assignment_to_in_progress_on_a_claim(thread, alice):
    _create(alice, thread["article"], thread["c1"], 0, 5)
    statuses = dict(Assignment.objects.values_list("annotator__username", "status"))
    assert statuses == {"alice": "in_progress", "bob": "todo"}


def test_it_moves_a_todo_assignment_the_caller_read_to_in_progress(thread, alice):
    assignment = Assignment.objects.get(annotator=alice)
    _create(alice, thread["article"], thread["c1"], 0, 5, assignment=assignment)
    assert Assignment.objects.get(annotator=alice).status == "in_progress"


def test_it_skips_the_status_update_for_an_assignment_already_in_progress(thread, alice):
    Assignment.objects.filter(annotator=alice).update(status="in_progress")
    assignment = Assignment.objects.get(annotator=alice)
    _create(alice, thread["article"], thread["c1"], 0, 5, assignment=assignment)
    with CaptureQueriesContext(connection) as queries:
        _create(alice, thread["article"], thread["c1"], 1, 5, assignment=assignment)
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert Assignment.objects.get(annotator=alice).status == "in_progress"


def test_it_ignores_an_assignment_of_someone_else(thread, alice, bob):
    Assignment.objects.filter(annotator=alice).update(status="done")
    alices = Assignment.objects.get(annotator=alice)
    _create(bob, thread["article"], thread["c1"], 0, 5, assignment=alices)
    assert Assignment.objects.get(annotator=bob).status == "in_progress"


def test_it_updates_the_stance_and_records_before_and_after(thread, alice, corpus):
    claim = _create(alice, thread["article"], thread["c1"], 0, 5)
    support = label(corpus, LabelKind.STANCE, "support")
    claim_update(claim=claim, actor=alice, stance=support, note="why")
    claim.refresh_from_db()
    assert claim.stance == support and claim.note == "why"
    event = AnnotationEvent.objects.get(action="update")
    assert event.before["stance"] == "oppose"
    assert event.after["stance"] == "support"


def test_it_updates_the_offsets_after_checking_them(thread, alice):
    claim = _create(alice, thread["article"], thread["c1"], 0, 5)
    with pytest.raises(ValidationError, match="does not match"):
        claim_update(claim=claim, actor=alice, start=0, end=6, quote="First!")
    claim_update(claim=claim, actor=alice, start=6, end=7, quote="😀")
    claim.refresh_from_db()
    assert claim.quote == "😀"


def test_it_switches_the_target_from_a_value_to_a_claim(thread, alice):
    target = _create(alice, thread["article"], thread["c1"], 0, 5)
    claim = _create(alice, thread["article"], thread["c2"], 0, 1)
    claim_update(claim=claim, actor=alice, target_claim=target)
    claim.refresh_from_db()
    assert claim.target_claim == target and claim.stance_target is None


def test_it_refuses_to_update_a_deleted_claim(thread, alice, corpus):
    claim = _create(alice, thread["article"], thread["c1"], 0, 5)
    Claim.objects.filter(pk=claim.pk).delete()
    with pytest.raises(ValidationError, match="no longer exists"):
        claim_update(claim=claim, actor=alice, note="late")


def test_it_refuses_to_update_someone_elses_claim(thread, alice, bob):
    claim = _create(alice, thread["article"], thread["c1"], 0, 5)
    with pytest.raises(PermissionDenied):
        claim_update(claim=claim, actor=bob, note="mine now")
    claim.refresh_from_db()
    assert claim.note == ""


def test_it_deletes_a_claim_and_keeps_its_history(thread, alice):
    claim = _create(alice, thread["article"], thread["c1"], 0, 5)
    pk = claim.pk
    claim_delete(claim=claim, actor=alice)
    assert not Claim.objects.filter(pk=pk).exists()
    event = AnnotationEvent.objects.get(action="delete")
    assert event.object_id == pk and event.before["quote"] == "First" and event.after is None


def test_it_refuses_to_delete_a_claim_other_claims_target(thread, alice):
    target = _create(alice, thread["article"], thread["c1"], 0, 5)
    _create(alice, thread["article"], thread["c2"], 0, 1, stance_target=None, target_claim=target)
    with pytest.raises(ValidationError, match="1 other claim targets this claim"):
        claim_delete(claim=target, actor=alice)
    assert Claim.objects.filter(pk=target.pk).exists()


def test_it_refuses_to_delete_a_claim_twice(thread, alice):
    claim = _create(alice, thread["article"], thread["c1"], 0, 5)
    claim_delete(claim=claim, actor=alice)
    with pytest.raises(ValidationError, match="no longer exists"):
        claim_delete(claim=claim, actor=alice)


def test_it_sets_and_replaces_a_reply_label(thread, alice, corpus):
    c2 = thread["c2"]
    reply_label_set(annotator=alice, comment=c2, label=label(corpus, "reply_label", "deny"))
    reply_label_set(annotator=alice, comment=c2, label=label(corpus, "reply_label", "query"))
    assert ReplyLabel.objects.get().label.name == "query"
    actions = list(
        AnnotationEvent.objects.filter(object_type="reply_label")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update"]


def test_it_moves_a_todo_assignment_to_in_progress_on_a_reply_label(thread, alice, corpus):
    reply_label_set(
        annotator=alice, comment=thread["c2"], label=label(corpus, "reply_label", "deny")
    )
    assert Assignment.objects.get(annotator=alice).status == "in_progress"


def test_it_rejects_a_reply_label_from_another_corpus(thread, alice):
    other = CorpusFactory()
    with pytest.raises(ValidationError, match="not a reply label of this corpus"):
        reply_label_set(
            annotator=alice, comment=thread["c2"], label=label(other, "reply_label", "deny")
        )
    assert not ReplyLabel.objects.exists()


def test_it_rejects_a_stance_as_a_reply_label(thread, alice, corpus):
    with pytest.raises(ValidationError, match="not a reply label"):
        reply_label_set(
            annotator=alice, comment=thread["c2"], label=label(corpus, "stance", "oppose")
        )


def test_it_clears_a_reply_label_with_a_delete_event(thread, alice, corpus):
    reply_label_set(
        annotator=alice, comment=thread["c2"], label=label(corpus, "reply_label", "deny")
    )
    assert reply_label_clear(annotator=alice, comment=thread["c2"]) is True
    assert not ReplyLabel.objects.exists()
    assert AnnotationEvent.objects.filter(object_type="reply_label", action="delete").exists()


def test_it_sets_an_assignment_status(thread, alice):
    assignment = Assignment.objects.get(annotator=alice)
    assignment_set_status(assignment=assignment, status=AssignmentStatus.DONE)
    assert Assignment.objects.get(annotator=alice).status == "done"


def test_it_rejects_an_unknown_status(thread, alice):
    assignment = Assignment.objects.get(annotator=alice)
    with pytest.raises(ValidationError, match="not a status"):
        assignment_set_status(assignment=assignment, status="finished")


def test_it_keeps_a_retired_value_the_claim_already_carries(thread, alice, corpus):
    claim = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c2"])
    support = label(corpus, LabelKind.STANCE, "support")
    support.retired = True
    support.save()
    claim_update(claim=claim, actor=alice, stance=support, note="still fine")
    claim.refresh_from_db()
    assert claim.note == "still fine"


def test_it_returns_the_claim_as_it_is_stored(thread, alice):
    claim = _create(alice, thread["article"], thread["c1"], 0, 5, note="a note")
    stored = Claim.objects.get(pk=claim.pk)
    fields = ["annotator_id", "comment_id", "start", "end", "quote", "stance_id", "note"]
    assert [getattr(claim, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert (claim.created_at, claim.updated_at) == (stored.created_at, stored.updated_at)


def test_it_refuses_a_claim_note_longer_than_the_limit(thread, alice):
    from annotate.rules import NOTE_MAX_LENGTH

    corpus = thread["article"].corpus
    with pytest.raises(ValidationError, match="keep it to 2,000"):
        claim_create(
            annotator=alice,
            article=thread["article"],
            comment=thread["c1"],
            start=0,
            end=5,
            quote="First",
            claim_type=label(corpus, LabelKind.CLAIM_TYPE, "claim"),
            stance=label(corpus, LabelKind.STANCE, "support"),
            stance_target=label(corpus, LabelKind.STANCE_TARGET, "thesis"),
            note="x" * (NOTE_MAX_LENGTH + 1),
        )
    assert not Claim.objects.exists()
