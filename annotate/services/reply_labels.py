"""Reply labels: set or clear how a comment relates to its parent or to the thread's root (the
article), one label per direction the corpus labels, recorded in the history."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotate.models import (
    Assignment,
    EventAction,
    LabelKind,
    LabelValue,
    ReplyLabel,
    Toward,
)
from annotate.services.agreement import agreement_forget
from annotate.services.assignments import assignment_touch
from annotate.services.claim_checks import labels_writable_check
from annotate.services.corpora import (
    label_value_check,
    reply_direction_check,
    toward_known_check,
)
from annotate.services.history import history_record, reply_label_snapshot
from threads.models import Comment


@transaction.atomic
def reply_label_set(
    *,
    annotator: AbstractBaseUser,
    comment: Comment,
    label: LabelValue | None,
    toward: str = Toward.PARENT,
    assignment: Assignment | None = None,
) -> ReplyLabel:
    """Set the annotator's one reply label on ``comment`` toward ``toward`` (creating or
    replacing it); refused in a direction the corpus does not label, and on a thread they marked
    done (``assignment``, when the caller has read it, spares a query)."""
    # No query when the caller loaded the article, its corpus and its scope (the views do).
    reply_direction_check(corpus=comment.article.corpus, toward=toward)
    corpus_id = comment.article.corpus_id
    labels_writable_check(
        annotator_id=annotator.pk, article_id=comment.article_id, assignment=assignment
    )
    existing = (
        ReplyLabel.objects.select_for_update(of=("self",))
        .select_related("label")
        .filter(annotator_id=annotator.pk, comment=comment, is_gold=False, toward=toward)
        .first()
    )
    if existing is not None and label is not None and existing.label_id == label.pk:
        return existing
    label_value_check(value=label, corpus_id=corpus_id, kind=LabelKind.REPLY_LABEL, field="label")
    assert label is not None
    now = timezone.now()
    created = None
    if existing is None:
        try:
            with transaction.atomic():
                created = ReplyLabel.objects.create(
                    annotator_id=annotator.pk,
                    article_id=comment.article_id,
                    corpus_id=corpus_id,
                    comment=comment,
                    label=label,
                    toward=toward,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # Another request (a second tab, a double click) made this label meanwhile: the
            # unique constraint made us wait for it, so it is there to update now.
            existing = (
                ReplyLabel.objects.select_for_update(of=("self",))
                .select_related("label")
                .get(annotator_id=annotator.pk, comment=comment, is_gold=False, toward=toward)
            )
            if existing.label_id == label.pk:
                return existing
    if created is not None:
        reply_label = created
        before = None
        action = EventAction.CREATE
    else:
        assert existing is not None
        before = reply_label_snapshot(existing)
        existing.label = label
        existing.updated_at = now
        existing.save(update_fields=["label", "updated_at"])
        reply_label = existing
        action = EventAction.UPDATE
    history_record(
        actor=annotator,
        action=action,
        object_type="reply_label",
        object_id=reply_label.pk,
        article_id=comment.article_id,
        before=before,
        after=reply_label_snapshot(reply_label),
    )
    agreement_forget(article_id=comment.article_id)
    assignment_touch(annotator=annotator, article_id=comment.article_id)
    return reply_label


@transaction.atomic
def reply_label_clear(
    *,
    annotator: AbstractBaseUser,
    comment: Comment,
    toward: str = Toward.PARENT,
    assignment: Assignment | None = None,
) -> bool:
    """Remove the annotator's reply label on ``comment`` toward ``toward``; return whether there
    was one. Refused on a thread they marked done."""
    toward_known_check(toward)  # a direction no longer labelled has no labels to clear
    labels_writable_check(
        annotator_id=annotator.pk, article_id=comment.article_id, assignment=assignment
    )
    existing = (
        ReplyLabel.objects.select_for_update(of=("self",))
        .select_related("label")
        .filter(annotator_id=annotator.pk, comment=comment, is_gold=False, toward=toward)
        .first()
    )
    if existing is None:
        return False
    before = reply_label_snapshot(existing)
    pk = existing.pk
    existing.delete()
    history_record(
        actor=annotator,
        action=EventAction.DELETE,
        object_type="reply_label",
        object_id=pk,
        article_id=comment.article_id,
        before=before,
        after=None,
    )
    agreement_forget(article_id=comment.article_id)
    return True
