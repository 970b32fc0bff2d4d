"""Label schemas, claims, reply labels, assignments, grants and history.

Constraints the database can hold are in ``Meta.constraints``; the ones that
span rows (a claim's comment is in the claim's article, a target claim has the
same annotator, article and gold flag, a label value is of the claim's corpus
and of the right kind) are triggers, literal SQL in
``annotate/migrations/0001_squashed_0007_trigger_checks_keep_their_plan.py``
and ``0002_label_values_referenced_by_foreign_keys.py``. The rest (end within the
text, stored quote equals the text slice, target claim in an ancestor text,
label values from the corpus schema and not retired) is checked by the services
before they write.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from threads.models import Article, Comment, Corpus


class LabelKind(models.TextChoices):
    CLAIM_TYPE = "claim_type", "claim type"
    STANCE = "stance", "stance"
    STANCE_TARGET = "stance_target", "stance target"
    REPLY_LABEL = "reply_label", "reply label"


class LabelValue(models.Model):
    """One value of a corpus's label schema (a claim type, a stance, ...).

    A value in use is never deleted, only retired: retired values stay on the
    labels that carry them but are no longer offered.
    """

    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="label_values")
    kind = models.CharField(max_length=20, choices=LabelKind.choices)
    name = models.CharField(max_length=50)
    description = models.CharField(max_length=500, blank=True)
    key = models.CharField(max_length=1, blank=True, help_text="Keyboard shortcut: one character.")
    colour = models.CharField(max_length=7, default="#888888", help_text="#rrggbb")
    order = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["corpus_id", "kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["corpus", "kind", "name"], name="labelvalue_unique_name"
            ),
            models.UniqueConstraint(
                fields=["corpus", "kind", "key"],
                condition=~Q(key=""),
                name="labelvalue_unique_key",
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="labelvalue_colour_hex"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="labelvalue_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


# The schema every new corpus starts with (DESIGN.md "Label schema"):
# (kind, name, description, key, colour).
DEFAULT_SCHEMA: list[tuple[str, str, str, str, str]] = [
    (LabelKind.CLAIM_TYPE, "claim", "A statement the author puts forward as true.", "c", "#4c6ef5"),
    (LabelKind.STANCE, "support", "The claim supports its target.", "s", "#2f9e44"),
    (LabelKind.STANCE, "oppose", "The claim opposes its target.", "o", "#e03131"),
    (LabelKind.STANCE, "neutral", "Neither for nor against its target.", "n", "#868e96"),
    (LabelKind.STANCE_TARGET, "thesis", "The article's main claim.", "t", "#5f3dc4"),
    (LabelKind.STANCE_TARGET, "parent", "The text this comment replies to.", "p", "#1971c2"),
    (LabelKind.REPLY_LABEL, "support", "Agrees with its parent.", "1", "#2f9e44"),
    (LabelKind.REPLY_LABEL, "deny", "Contradicts its parent.", "2", "#e03131"),
    (LabelKind.REPLY_LABEL, "query", "Asks its parent for evidence or detail.", "3", "#f08c00"),
    (LabelKind.REPLY_LABEL, "comment", "Comments without taking a side.", "4", "#868e96"),
]


class GrantRole(models.TextChoices):
    REVIEWER = "reviewer", "reviewer"
    RESEARCHER = "researcher", "researcher"


class CorpusGrant(models.Model):
    """Gives a user a role on one corpus: reviewers see every label, researchers read the API."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="corpus_grants"
    )
    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(max_length=20, choices=GrantRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "corpus", "role"], name="grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.corpus}"


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


class Claim(models.Model):
    """A span ``[start, end)`` in the article body (``comment`` is null) or in one comment.

    Offsets count Unicode code points of the stored text. The stance target is
    either a schema value (``stance_target``: thesis, parent, ...) or an earlier
    claim of the same annotator in an ancestor text (``target_claim``), never
    both. Gold claims (``is_gold``) are a reviewer's settled version.
    """

    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims"
    )
    # No index of its own on article, claim_type, stance, stance_target: the
    # (article, annotator) index serves the article, and nothing looks claims up
    # by label value but the rare deletion of a value. Every index is written on
    # every save and import. A label value is a foreign key, so a value in use is
    # never deleted (checked at commit), and a trigger holds what a key cannot: a
    # value of the claim's corpus and of the right kind (annotate migration 0002).
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="claims", db_index=False
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="claims"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    claim_type = models.ForeignKey(
        LabelValue, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    stance = models.ForeignKey(
        LabelValue, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    stance_target = models.ForeignKey(
        LabelValue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    target_claim = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="attacked_by"
    )
    note = models.TextField(blank=True)
    is_gold = models.BooleanField(default=False)
    # A random token the form carries, so a double-submitted form makes one claim.
    client_token = models.UUIDField(null=True, blank=True, editable=False)
    # Set by the services, not auto_now: an import keeps the exported timestamps.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article_id", "comment_id", "start", "end", "id"]
        indexes = [
            models.Index(fields=["article", "annotator"], name="claim_article_annotator"),
            models.Index(fields=["updated_at"], name="claim_updated_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="claim_start_before_end"),
            models.CheckConstraint(
                condition=(Q(stance_target__isnull=False) & Q(target_claim__isnull=True))
                | (Q(stance_target__isnull=True) & Q(target_claim__isnull=False)),
                name="claim_one_stance_target",
            ),
            models.CheckConstraint(
                condition=~Q(target_claim=F("id")), name="claim_not_its_own_target"
            ),
            models.UniqueConstraint(
                fields=["annotator", "client_token"],
                condition=Q(client_token__isnull=False),
                name="claim_unique_client_token",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quote[:40]!r} [{self.start}:{self.end}]"


class ReplyLabel(models.Model):
    """How a comment relates to its parent (or to the article, for a top-level comment)."""

    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reply_labels"
    )
    # Indexed as for claims: (article, annotator) serves the article, no index by label.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="reply_labels", db_index=False
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reply_labels")
    label = models.ForeignKey(  # a key and a trigger, as a claim's label values are
        LabelValue, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    is_gold = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article_id", "comment_id", "id"]
        indexes = [
            models.Index(fields=["article", "annotator"], name="replylabel_article_annotator"),
            models.Index(fields=["updated_at"], name="replylabel_updated_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["annotator", "comment", "is_gold"], name="replylabel_unique_per_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.label_id}"


class EventAction(models.TextChoices):
    CREATE = "create", "create"
    UPDATE = "update", "update"
    DELETE = "delete", "delete"


class AnnotationEvent(models.Model):
    """One create, edit or delete of a claim or reply label: who, when, before and after.

    Ids are plain integers, not foreign keys, so the record outlives the label
    (and its thread). Nothing in the app updates or deletes these rows; the
    admin shows them read-only.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=EventAction.choices)
    object_type = models.CharField(max_length=20)  # "claim" or "reply_label"
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
