"""The history of every label: who created, changed or deleted what, before and after."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EventAction(models.TextChoices):
    CREATE = "create", "create"
    UPDATE = "update", "update"
    DELETE = "delete", "delete"


class AnnotationEvent(models.Model):
    """One create, edit or delete of a claim, relation or reply label: who, when, before and after.

    Ids are plain integers, not foreign keys, so the record outlives the label
    (and its thread). Nothing in the app updates or deletes these rows; the
    admin shows them read-only.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=EventAction.choices)
    object_type = models.CharField(max_length=20)  # "claim", "relation" or "reply_label"
    object_id = models.BigIntegerField()
    article_id = models.BigIntegerField(db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="event_object")]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.object_type} {self.object_id}"
