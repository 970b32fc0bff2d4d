"""A thread's review: where the settling of its gold stands."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from threads.models import Article


class ReviewStatus(models.TextChoices):
    UNREVIEWED = "unreviewed", "unreviewed"
    IN_REVIEW = "in_review", "in review"
    REVIEWED = "reviewed", "reviewed"


class ThreadReview(models.Model):
    """The review status of one thread; a thread without a row is ``unreviewed``."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="review"
    )
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.UNREVIEWED
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.article_id}: {self.status}"
