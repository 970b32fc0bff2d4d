"""Assignments: a thread given to an annotator, with its status."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from threads.models import Article


class AssignmentStatus(models.TextChoices):
    TODO = "todo", "to do"
    IN_PROGRESS = "in_progress", "in progress"
    DONE = "done", "done"


class Assignment(models.Model):
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="assignments")
    status = models.CharField(
        max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.TODO
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["annotator_id", "article_id"]
        constraints = [
            models.UniqueConstraint(fields=["annotator", "article"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article} → {self.annotator} ({self.status})"
