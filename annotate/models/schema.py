"""A corpus's label schema: claim types, stances, stance targets, reply labels and relation
types, with their keys and colours, the directions its reply labels take; the defaults every new
corpus starts with."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from threads.models import Corpus


class LabelKind(models.TextChoices):
    CLAIM_TYPE = "claim_type", "claim type"
    STANCE = "stance", "stance"
    STANCE_TARGET = "stance_target", "stance target"
    REPLY_LABEL = "reply_label", "reply label"
    RELATION = "relation", "relation type"


class Toward(models.TextChoices):
    """What a reply label is about: the text the comment answers (its parent, the article for
    a top-level comment) or the thread's root, the article (DESIGN.md "Reply label")."""

    PARENT = "parent", "toward the parent"
    ROOT = "root", "toward the article"


# What a corpus labels when its schema does not say: replies toward their parent only.
DEFAULT_DIRECTIONS: tuple[str, ...] = (Toward.PARENT.value,)


class ReplyLabelScope(models.Model):
    """Which directions a corpus's reply labels take: toward the parent, toward the article
    (the root), or both. Part of the corpus's label schema; a corpus without a row labels
    toward the parent only (``DEFAULT_DIRECTIONS``), as every corpus did before."""

    corpus = models.OneToOneField(
        Corpus, on_delete=models.CASCADE, primary_key=True, related_name="reply_scope"
    )
    toward_parent = models.BooleanField(
        default=True,
        verbose_name="toward the parent",
        help_text="How a comment relates to the text it answers (the article, for a top-level "
        "comment), as DAST's SDQC_Parent.",
    )
    toward_root = models.BooleanField(
        default=False,
        verbose_name="toward the article",
        help_text="How a comment relates to the thread's root, the article, as RumourEval's "
        "SDQC labels and DAST's SDQC_Submission.",
    )

    class Meta:
        verbose_name = "reply-label directions"
        verbose_name_plural = "reply-label directions"
        constraints = [
            models.CheckConstraint(
                condition=Q(toward_parent=True) | Q(toward_root=True),
                name="replylabelscope_some_direction",
                violation_error_message="Reply labels need a direction: toward the parent, "
                "toward the article, or both.",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(self.directions)

    @property
    def directions(self) -> tuple[str, ...]:
        """The directions labelled, parent first."""
        on = ((Toward.PARENT, self.toward_parent), (Toward.ROOT, self.toward_root))
        return tuple(toward.value for toward, labelled in on if labelled)


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
    # Keys no other value of the claim form uses (stances s o n, claim type c, targets t p).
    (LabelKind.RELATION, "support", "The claim gives a reason for the other.", "u", "#2f9e44"),
    (LabelKind.RELATION, "attack", "The claim argues against the other.", "a", "#e03131"),
]
