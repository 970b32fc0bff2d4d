"""Gold: what every gold service shares (the stale-write error and versions, the reviewer
check, the review status, the history)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotate.access import reviews_corpus
from annotate.models import (
    AnnotationEvent,
    Claim,
    ReplyLabel,
    ReviewStatus,
    ThreadReview,
)
from annotate.services.history import history_record
from threads.models import Article


class GoldConflict(ValidationError):
    """A stale write: what the page showed has changed (the message says what, who and when)."""


def version_of(row: Claim | ReplyLabel | None) -> str:
    """The version a page carries for a row: its ``updated_at`` as ISO text ("" for none)."""
    return "" if row is None else row.updated_at.isoformat()


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}"


def _last_event(object_type: str, object_id: int) -> AnnotationEvent | None:
    return (
        AnnotationEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def _who_when(object_type: str, object_id: int) -> str:
    """ "alice at 2026-12-03 10:02:03", from the history (or "someone" when it has nothing)."""
    event = _last_event(object_type, object_id)
    if event is None:
        return "someone"
    return f"{event.actor.get_username()} at {_when(event.created_at)}"


def _reviewer_check(reviewer: AbstractBaseUser, article: Article) -> None:
    if not reviews_corpus(reviewer, article.corpus_id):  # type: ignore[arg-type]
        raise ValidationError(
            "This thread is not in a corpus you review, so you cannot settle its gold; "
            "nothing was changed."
        )


def _review_touch(*, reviewer: AbstractBaseUser, article_id: int) -> None:
    """The first gold change on an unreviewed thread puts it in review."""
    review, created = ThreadReview.objects.get_or_create(
        article_id=article_id,
        defaults={"status": ReviewStatus.IN_REVIEW, "updated_by_id": reviewer.pk},
    )
    if not created and review.status == ReviewStatus.UNREVIEWED:
        review.status = ReviewStatus.IN_REVIEW
        review.updated_by_id = reviewer.pk
        review.save(update_fields=["status", "updated_by", "updated_at"])


def _claim_snapshot(claim: Claim) -> dict[str, Any]:
    """What the history keeps of a gold claim (as ``services.claims`` does, plus its source)."""
    return {
        "id": claim.pk,
        "annotator_id": claim.annotator_id,
        "source_id": claim.source_id,
        "article_id": claim.article_id,
        "comment_id": claim.comment_id,
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "claim_type": claim.claim_type.name,
        "claim_type_id": claim.claim_type_id,
        "stance": claim.stance.name,
        "stance_id": claim.stance_id,
        "stance_target": claim.stance_target.name if claim.stance_target else None,
        "stance_target_id": claim.stance_target_id,
        "target_claim_id": claim.target_claim_id,
        "note": claim.note,
        "attributes": claim.attributes,
        "is_gold": claim.is_gold,
        "created_at": claim.created_at.isoformat(),
        "updated_at": claim.updated_at.isoformat(),
    }


def _record(
    *, actor: AbstractBaseUser, action: str, row: Claim | ReplyLabel, before: Any, after: Any
) -> None:
    history_record(
        actor=actor,
        action=action,
        object_type="claim" if isinstance(row, Claim) else "reply_label",
        object_id=row.pk,
        article_id=row.article_id,
        before=before,
        after=after,
    )


@transaction.atomic
def review_status_set(*, reviewer: AbstractBaseUser, article: Article, status: str) -> ThreadReview:
    """Set the thread's review status (``unreviewed``, ``in_review``, ``reviewed``)."""
    _reviewer_check(reviewer, article)
    if status not in ReviewStatus.values:
        raise ValidationError(
            f"No review status named {status!r}. Valid: {', '.join(ReviewStatus.values)}."
        )
    review, _ = ThreadReview.objects.update_or_create(
        article_id=article.pk, defaults={"status": status, "updated_by_id": reviewer.pk}
    )
    return review
