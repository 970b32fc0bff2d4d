"""The services' rules for the annotator's fixes: a done thread is read-only until reopened, and
a deleted claim can be restored for a short while (same id, recorded in the history)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from annotate.models import (
    AnnotationEvent,
    Assignment,
    AssignmentStatus,
    Claim,
    LabelKind,
    ReplyLabel,
)
from annotate.services.assignments import assignment_set_status
from annotate.services.claim_checks import DONE_MESSAGE
from annotate.services.claims import (
    UNDO_SECONDS,
    claim_create,
    claim_delete,
    claim_restore,
    claim_update,
)
from annotate.services.reply_labels import reply_label_clear, reply_label_set
from tests.factories import ClaimFactory, ReplyLabelFactory, label


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _done(alice, thread):
    assignment = Assignment.objects.get(annotator=alice, article=thread["article"])
    return assignment_set_status(assignment=assignment, status=AssignmentStatus.DONE)


def _create(alice, thread, comment_key="c1", start=0, end=5):
    comment = thread[comment_key]
    corpus = thread["article"].corpus
    return claim_create(
        annotator=alice,
        article=thread["article"],
        comment=comment,
        start=start,
        end=end,
        quote=comment.text[start:end],
        claim_type=label(corpus, LabelKind.CLAIM_TYPE, "claim"),
        stance=label(corpus, LabelKind.STANCE, "oppose"),
        stance_target=label(corpus, LabelKind.STANCE_TARGET, "thesis"),
    )


# --- A done thread is read-only ------------------------------------------------------------------


def test_it_refuses_a_new_claim_on_a_done_thread(thread, alice):
    _done(alice, thread)
    with pytest.raises(ValidationError, match="marked done"):
        _create(alice, thread)
    assert not Claim.objects.exists()


def test_it_refuses_to_edit_a_claim_on_a_done_thread(thread, alice, corpus):
    claim = _create(alice, thread)  # oppose
    _done(alice, thread)
    support = label(corpus, LabelKind.STANCE, "support")
    with pytest.raises(ValidationError, match="marked done"):
        claim_update(claim=claim, actor=alice, stance=support)
    claim.refresh_from_db()
    assert claim.stance.name == "oppose"


def test_it_refuses_to_delete_a_claim_on_a_done_thread(thread, alice):
    claim = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    _done(alice, thread)
    with pytest.raises(ValidationError, match="marked done"):
        claim_delete(claim=claim, actor=alice)
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_it_refuses_a_reply_label_on_a_done_thread(thread, alice, corpus):
    _done(alice, thread)
    deny = label(corpus, LabelKind.REPLY_LABEL, "deny")
    with pytest.raises(ValidationError, match="marked done"):
        reply_label_set(annotator=alice, comment=thread["c2"], label=deny)
    assert not ReplyLabel.objects.exists()


def test_it_refuses_to_clear_a_reply_label_on_a_done_thread(thread, alice):
    ReplyLabelFactory(annotator=alice, comment=thread["c2"])
    _done(alice, thread)
    with pytest.raises(ValidationError, match="marked done"):
        reply_label_clear(annotator=alice, comment=thread["c2"])
    assert ReplyLabel.objects.count() == 1


def test_it_accepts_labels_again_once_the_thread_is_reopened(thread, alice):
    assignment = _done(alice, thread)
    assignment_set_status(assignment=assignment, status=AssignmentStatus.IN_PROGRESS)
    assert _create(alice, thread).pk


def test_it_leaves_other_annotators_writable_when_one_is_done(thread, alice, bob):
    _done(alice, thread)
    assert _create(bob, thread).annotator == bob


def test_it_says_how_to_change_a_done_thread(thread, alice):
    _done(alice, thread)
    with pytest.raises(ValidationError) as error:
        _create(alice, thread)
    assert error.value.messages == [DONE_MESSAGE]
    assert "reopen it" in DONE_MESSAGE


# --- Undo a delete -------------------------------------------------------------------------------


def test_it_restores_a_deleted_claim_with_its_id(thread, alice):
    claim = _create(alice, thread)
    claim_delete(claim=claim, actor=alice)
    restored = claim_restore(actor=alice, article=thread["article"], claim_id=claim.pk)
    assert restored.pk == claim.pk
    again = Claim.objects.get(pk=claim.pk)
    assert (again.start, again.end, again.quote, again.stance.name) == (0, 5, "First", "oppose")
    assert again.comment_id == thread["c1"].pk and again.created_at == claim.created_at


def test_it_records_the_restore_in_the_history(thread, alice):
    claim = _create(alice, thread)
    claim_delete(claim=claim, actor=alice)
    claim_restore(actor=alice, article=thread["article"], claim_id=claim.pk)
    actions = list(
        AnnotationEvent.objects.filter(object_type="claim", object_id=claim.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete", "create"]


def test_it_restores_the_target_claim_of_a_deleted_claim(thread, alice):
    up = _create(alice, thread, "c1")
    corpus = thread["article"].corpus
    answer = claim_create(
        annotator=alice,
        article=thread["article"],
        comment=thread["c2"],
        start=0,
        end=7,
        quote="A reply",
        claim_type=label(corpus, LabelKind.CLAIM_TYPE, "claim"),
        stance=label(corpus, LabelKind.STANCE, "oppose"),
        target_claim=up,
    )
    claim_delete(claim=answer, actor=alice)
    restored = claim_restore(actor=alice, article=thread["article"], claim_id=answer.pk)
    assert restored.target_claim_id == up.pk and restored.stance_target is None


def test_it_refuses_to_restore_a_claim_twice(thread, alice):
    claim = _create(alice, thread)
    claim_delete(claim=claim, actor=alice)
    claim_restore(actor=alice, article=thread["article"], claim_id=claim.pk)
    with pytest.raises(ValidationError, match="already back"):
        claim_restore(actor=alice, article=thread["article"], claim_id=claim.pk)
    assert Claim.objects.count() == 1


def test_it_refuses_to_restore_someone_elses_claim(thread, alice, bob):
    claim = _create(alice, thread)
    claim_delete(claim=claim, actor=alice)
    with pytest.raises(ValidationError, match="no deleted claim of yours"):
        claim_restore(actor=bob, article=thread["article"], claim_id=claim.pk)
    assert not Claim.objects.exists()


def test_it_refuses_to_restore_after_the_undo_window(thread, alice):
    claim = _create(alice, thread)
    claim_delete(claim=claim, actor=alice)
    old = AnnotationEvent.objects.get(action="delete")
    old.created_at -= timedelta(seconds=UNDO_SECONDS + 1)
    old.save()
    with pytest.raises(ValidationError, match="mark it again"):
        claim_restore(actor=alice, article=thread["article"], claim_id=claim.pk)
    assert not Claim.objects.exists()


def test_it_refuses_to_restore_when_the_target_claim_is_gone(thread, alice):
    up = _create(alice, thread, "c1")
    corpus = thread["article"].corpus
    answer = claim_create(
        annotator=alice,
        article=thread["article"],
        comment=thread["c2"],
        start=0,
        end=7,
        quote="A reply",
        claim_type=label(corpus, LabelKind.CLAIM_TYPE, "claim"),
        stance=label(corpus, LabelKind.STANCE, "oppose"),
        target_claim=up,
    )
    claim_delete(claim=answer, actor=alice)
    claim_delete(claim=up, actor=alice)
    with pytest.raises(ValidationError, match="deleted since"):
        claim_restore(actor=alice, article=thread["article"], claim_id=answer.pk)
    assert not Claim.objects.exists()


def test_it_refuses_to_restore_on_a_done_thread(thread, alice):
    claim = _create(alice, thread)
    claim_delete(claim=claim, actor=alice)
    _done(alice, thread)
    with pytest.raises(ValidationError, match="marked done"):
        claim_restore(actor=alice, article=thread["article"], claim_id=claim.pk)
    assert not Claim.objects.exists()
