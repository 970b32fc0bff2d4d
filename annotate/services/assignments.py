"""Assignments: their status, and assigning threads to annotators in bulk."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotate.models import (
    Assignment,
    AssignmentStatus,
)
from annotate.services.agreement import agreement_forget
from threads.models import Article


def assignment_touch(
    *, annotator: AbstractBaseUser, article_id: int, assignment: Assignment | None = None
) -> None:
    """The first label on a thread moves its assignment from to-do to in progress.

    ``assignment``, when the caller has just read it, spares the update once the thread is past
    to-do (as it is after the first label): the update would match no row.
    """
    if assignment is not None and assignment.status != AssignmentStatus.TODO:
        return
    moved = Assignment.objects.filter(
        annotator_id=annotator.pk, article_id=article_id, status=AssignmentStatus.TODO
    ).update(status=AssignmentStatus.IN_PROGRESS, updated_at=timezone.now())
    if moved and assignment is not None and assignment.annotator_id == annotator.pk:
        # The caller shows this object next (the progress panel): keep it true.
        assignment.status = AssignmentStatus.IN_PROGRESS


@transaction.atomic
def assignment_set_status(*, assignment: Assignment, status: str) -> Assignment:
    """Set an assignment's status (``todo``, ``in_progress`` or ``done``)."""
    if status not in AssignmentStatus.values:
        raise ValidationError(
            {
                "status": f"“{status}” is not a status; "
                f"use one of {', '.join(AssignmentStatus.values)}."
            }
        )
    if assignment.status != status:
        assignment.status = status
        assignment.save(update_fields=["status", "updated_at"])
        # A done assignment makes its annotator one of the thread's annotators.
        agreement_forget(article_id=assignment.article_id)
    return assignment


@transaction.atomic
def assignment_bulk_create(*, articles: Iterable[Article], annotators: Iterable[Any]) -> int:
    """Assign every article to every annotator, skipping pairs already assigned.

    Returns how many were created: one query for the pairs that exist, one insert.
    """
    article_ids = {a.pk for a in articles}
    annotator_ids = {u.pk for u in annotators}
    existing = set(
        Assignment.objects.filter(
            article_id__in=article_ids, annotator_id__in=annotator_ids
        ).values_list("annotator_id", "article_id")
    )
    new = [
        Assignment(annotator_id=user_id, article_id=article_id)
        for user_id in sorted(annotator_ids)
        for article_id in sorted(article_ids)
        if (user_id, article_id) not in existing
    ]
    # A concurrent admin may have assigned the same pair meanwhile: skip it too.
    Assignment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
