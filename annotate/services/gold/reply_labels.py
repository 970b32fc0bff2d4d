"""Gold reply labels: accept an annotator's, or the annotators' majority, one gold label per
comment and direction (the rules are in ``annotate.services.gold``)."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotate.models import (
    AnnotationEvent,
    EventAction,
    LabelValue,
    ReplyLabel,
    Toward,
)
from annotate.services.corpora import reply_direction_check
from annotate.services.gold.common import (
    GoldConflict,
    _last_event,
    _record,
    _review_touch,
    _reviewer_check,
    _when,
    version_of,
)
from annotate.services.history import reply_label_snapshot
from threads.models import Comment


def _gold_reply_set(
    *,
    reviewer: AbstractBaseUser,
    comment: Comment,
    label: LabelValue,
    toward: str,
    source_id: int | None,
    seen_gold: str,
) -> ReplyLabel:
    existing = (
        ReplyLabel.objects.select_for_update(of=("self",))
        .select_related("label", "annotator")
        .filter(comment=comment, is_gold=True, toward=toward)
        .first()
    )
    if existing is not None and (existing.label_id, existing.source_id) == (label.pk, source_id):
        # The same request again (a double click, a second tab): it is already so.
        return existing
    if version_of(existing) != seen_gold:
        which = f"The gold reply label {Toward(toward).label}"
        if existing is None:
            raise GoldConflict(
                f"{which} was removed by {_who_when_reply(comment)} since the page "
                "showed it; nothing was changed. Look at it again."
            )
        raise GoldConflict(
            f"{which} was set to “{existing.label.name}” by "
            f"{existing.annotator.get_username()} at {_when(existing.updated_at)} since the page "
            "showed it; nothing was changed. Look at it again."
        )
    now = timezone.now()
    if existing is None:
        try:
            with transaction.atomic():
                gold = ReplyLabel.objects.create(
                    annotator_id=reviewer.pk,
                    source_id=source_id,
                    article_id=comment.article_id,
                    corpus_id=comment.article.corpus_id,
                    comment=comment,
                    label=label,
                    toward=toward,
                    is_gold=True,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # Another request set this gold label meanwhile (the unique constraint waited for
            # it): the same label is a 200, another one a conflict, as if it had come first.
            return _gold_reply_set(
                reviewer=reviewer,
                comment=comment,
                label=label,
                toward=toward,
                source_id=source_id,
                seen_gold=seen_gold,
            )
        _record(
            actor=reviewer,
            action=EventAction.CREATE,
            row=gold,
            before=None,
            after=reply_label_snapshot(gold),
        )
    else:
        before = reply_label_snapshot(existing)
        existing.label, existing.source_id, existing.annotator_id = label, source_id, reviewer.pk
        existing.updated_at = now
        existing.save(update_fields=["label", "source", "annotator", "updated_at"])
        gold = existing
        _record(
            actor=reviewer,
            action=EventAction.UPDATE,
            row=gold,
            before=before,
            after=reply_label_snapshot(gold),
        )
    _review_touch(reviewer=reviewer, article_id=comment.article_id)
    return gold


def _who_when_reply(comment: Comment) -> str:
    event = (
        AnnotationEvent.objects.filter(
            object_type="reply_label", article_id=comment.article_id, action=EventAction.DELETE
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None:
        return "someone"
    return f"{event.actor.get_username()} at {_when(event.created_at)}"


@transaction.atomic
def gold_reply_label_accept(
    *, reviewer: AbstractBaseUser, reply_label_id: int, seen: str, seen_gold: str
) -> ReplyLabel:
    """Make an annotator's reply label the comment's gold one in its direction, as the page
    showed both.

    ``seen`` is the id of the label value the page showed for the annotator (what is accepted
    is that value: a label changed and changed back is still what the reviewer saw);
    ``seen_gold`` the gold label's version, "" when there was none."""
    source = (
        ReplyLabel.objects.select_for_update(of=("self",))
        .select_related("comment", "comment__article", "label", "annotator")
        .filter(pk=reply_label_id, is_gold=False)
        .first()
    )
    if source is None:
        gone = _last_event("reply_label", reply_label_id)
        by = f" by {gone.actor.get_username()} at {_when(gone.created_at)}" if gone else ""
        raise GoldConflict(
            f"This reply label was removed{by} since the page showed it; nothing was accepted."
        )
    comment = source.comment
    _reviewer_check(reviewer, comment.article)
    if str(source.label_id) != seen:
        raise GoldConflict(
            f"{source.annotator.get_username()}'s reply label was changed to "
            f"“{source.label.name}” at {_when(source.updated_at)} since the page showed it; "
            "nothing was accepted. Look at it again."
        )
    return _gold_reply_set(
        reviewer=reviewer,
        comment=comment,
        label=source.label,
        toward=source.toward,
        source_id=source.annotator_id,
        seen_gold=seen_gold,
    )


def reply_labels_fingerprint(labels: list[tuple[str, int]]) -> str:
    """The annotators' reply labels on a comment as a page carries them: "alice=3,bob=4"."""
    return ",".join(f"{name}={label_id}" for name, label_id in sorted(labels))


def majority(label_ids: list[int]) -> int | None:
    """The label given more often than any other, or None (no labels, or a tie at the top)."""
    counts = Counter(label_ids).most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


@transaction.atomic
def gold_reply_label_majority(
    *,
    reviewer: AbstractBaseUser,
    comment: Comment,
    seen: str,
    seen_gold: str,
    toward: str = Toward.PARENT,
) -> ReplyLabel:
    """Make the annotators' majority reply label toward ``toward`` the comment's gold one in
    that direction.

    ``seen`` is their labels as the page showed them (:func:`reply_labels_fingerprint`). The
    source is the first annotator (by username) who gave the majority label. Refused when the
    labels changed since, or when there is no majority (a tie).
    """
    article = comment.article
    _reviewer_check(reviewer, article)
    reply_direction_check(corpus=article.corpus, toward=toward)
    rows = list(
        ReplyLabel.objects.select_for_update(of=("self",))
        .select_related("annotator", "label")
        .filter(comment=comment, is_gold=False, toward=toward)
    )
    pairs = [(r.annotator.get_username(), r.label_id) for r in rows]
    if reply_labels_fingerprint(pairs) != seen:
        now = ", ".join(f"{r.annotator.get_username()} {r.label.name}" for r in rows) or "none"
        raise GoldConflict(
            f"The annotators' reply labels {Toward(toward).label} on this comment changed since "
            "the page showed them "
            f"(now: {now}); nothing was accepted. Look at them again."
        )
    winner = majority([r.label_id for r in rows])
    if winner is None:
        given = ", ".join(f"{r.annotator.get_username()} {r.label.name}" for r in rows) or "none"
        raise ValidationError(
            f"There is no majority reply label {Toward(toward).label} on this comment ({given}); "
            "accept one of them."
        )
    first = min((r for r in rows if r.label_id == winner), key=lambda r: r.annotator.get_username())
    return _gold_reply_set(
        reviewer=reviewer,
        comment=comment,
        label=first.label,
        toward=toward,
        source_id=first.annotator_id,
        seen_gold=seen_gold,
    )
