"""The labels: claims (spans with a type, a stance and a target), the typed relations between
claims, and reply labels, an annotator's own or a reviewer's gold."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from annotate.models.schema import LabelValue, Toward
from threads.models import Article, Comment, Corpus


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
    # The article's corpus, kept on the row (set by the services and the importer, held equal
    # to the article's by a trigger, annotate migration 0005) so that a list of one corpus's
    # claims in id order reads that corpus's rows alone through (corpus, id), whatever the
    # other corpora hold.
    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="+", db_index=False)
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
    # Free {name: value} pairs kept from an imported corpus (brat attributes), exported as they
    # came; values are strings. A trigger holds the shape (annotate migration 0006).
    attributes = models.JSONField(default=dict, blank=True)
    is_gold = models.BooleanField(default=False)
    # Gold only: the annotator the claim was accepted from (null: drawn by the reviewer). For
    # gold, ``annotator`` is the reviewer who settled it (``settled_by`` in exports).
    source = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
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
            models.Index(fields=["corpus", "id"], name="claim_corpus_id"),
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
    """How a comment relates to its parent (the article, for a top-level comment) or, with
    ``toward`` root, to the thread's root, the article: one label per annotator, comment and
    direction (and one gold label per comment and direction)."""

    # No index of its own: the unique (annotator, comment, is_gold, toward) index starts with
    # it, and one index fewer to keep is one fewer write for every label an import brings.
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reply_labels",
        db_index=False,
    )
    # Indexed as for claims: (article, annotator) serves the article, no index by label.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="reply_labels", db_index=False
    )
    corpus = models.ForeignKey(  # the article's, as for claims
        Corpus, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reply_labels")
    label = models.ForeignKey(  # a key and a trigger, as a claim's label values are
        LabelValue, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    toward = models.CharField(max_length=6, choices=Toward.choices, default=Toward.PARENT)
    is_gold = models.BooleanField(default=False)
    # Gold only, as for claims: the annotator it was accepted from, null when the reviewer chose.
    source = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article_id", "comment_id", "id"]
        indexes = [
            models.Index(fields=["article", "annotator"], name="replylabel_article_annotator"),
            models.Index(fields=["updated_at"], name="replylabel_updated_at"),
            models.Index(fields=["corpus", "id"], name="replylabel_corpus_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["annotator", "comment", "is_gold", "toward"],
                name="replylabel_unique_per_direction",
            ),
            # Gold is one settled version, whichever reviewer settled each label.
            models.UniqueConstraint(
                fields=["comment", "toward"],
                condition=Q(is_gold=True),
                name="replylabel_one_gold_per_direction",
            ),
            models.CheckConstraint(
                condition=Q(toward__in=Toward.values), name="replylabel_toward_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} ({self.toward}): {self.label_id}"


class Relation(models.Model):
    """A typed link from one claim to another: "premise #4 supports claim #2".

    Both claims are the same annotator's (gold: both gold, whoever settled them) and in the same
    thread; the ``to_claim`` lies in the same text as ``from_claim`` or in a text up its reply
    chain (``annotate.rules.relation_check``, enforced by the services and the importer). A
    claim has any number of relations; its stance target stays one. ``type`` is a value of the
    corpus's schema of the kind ``relation`` (default ``support``, ``attack``).

    ``article``, ``annotator`` and ``is_gold`` repeat what the claims say, so relations are read
    and filtered as claims are; triggers keep them equal to both claims' (annotate migration
    0006). For gold, ``annotator`` is the reviewer who settled the relation and ``source`` the
    annotator it was accepted from (null: drawn by the reviewer).
    """

    # No index of its own: the unique (from_claim, to_claim, type) index starts with it.
    from_claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="relations", db_index=False
    )
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="related_from")
    type = models.ForeignKey(  # a key and a trigger, as a claim's label values are
        LabelValue, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Indexed as for claims: (article, annotator) serves the article, no index by type.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="relations", db_index=False
    )
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="relations"
    )
    is_gold = models.BooleanField(default=False)
    source = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article_id", "from_claim_id", "id"]
        indexes = [
            models.Index(fields=["article", "annotator"], name="relation_article_annotator"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_claim=F("to_claim")), name="relation_not_to_itself"
            ),
            # Also the index that finds a claim's relations (from_claim first).
            models.UniqueConstraint(
                fields=["from_claim", "to_claim", "type"], name="relation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.from_claim_id} {self.type_id} #{self.to_claim_id}"
