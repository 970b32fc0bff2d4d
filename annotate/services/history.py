"""The history: every create, edit and delete of a label, who did it, and what it was before
and after."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from annotate.models import (
    AnnotationEvent,
    ReplyLabel,
)


def history_record(
    *,
    actor: AbstractBaseUser,
    action: str,
    object_type: str,
    object_id: int,
    article_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    AnnotationEvent.objects.create(
        actor_id=actor.pk,
        action=action,
        object_type=object_type,
        object_id=object_id,
        article_id=article_id,
        before=before,
        after=after,
    )


def reply_label_snapshot(reply_label: ReplyLabel) -> dict[str, Any]:
    """What the history keeps of a reply label, an annotator's or gold (``source_id``: the
    annotator a gold label was accepted from)."""
    return {
        "id": reply_label.pk,
        "annotator_id": reply_label.annotator_id,
        "source_id": reply_label.source_id,
        "article_id": reply_label.article_id,
        "comment_id": reply_label.comment_id,
        "toward": reply_label.toward,
        "label": reply_label.label.name,
        "label_id": reply_label.label_id,
        "is_gold": reply_label.is_gold,
        "created_at": reply_label.created_at.isoformat(),
        "updated_at": reply_label.updated_at.isoformat(),
    }
