"""The history: every create, edit and delete of a label, who did it, and what it was before
and after."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from annotate.models import (
    AnnotationEvent,
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
