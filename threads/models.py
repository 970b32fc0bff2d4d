"""Corpora, articles and their nested comments.

A thread is an :class:`Article` (its root) and the :class:`Comment` rows under
it. Each comment stores its ``depth`` (0 for a top-level comment) and its
``position`` in the thread's display order (a pre-order walk: a parent before
its replies, siblings in order), so a whole thread is one ordered query.

What the database can hold, it holds: unique external ids per corpus and per
article, one comment per display position, ``depth == 0`` exactly when there is
no parent, and (through triggers, literal SQL in
``threads/migrations/0001_squashed_0006_trigger_checks_keep_their_plan.py``) a
parent in the same article exactly one level up, which also rules out reply
cycles.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q


def _new_salt() -> str:
    return secrets.token_hex(16)


class Corpus(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    guidelines = models.TextField(
        blank=True, help_text="Annotation guidelines, as Markdown or plain text."
    )
    # Salt for pseudonymised exports: a commenter's hash is stable within a
    # corpus but cannot be matched across corpora or guessed from a name list.
    pseudonym_salt = models.CharField(max_length=64, default=_new_salt, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "corpora"

    def __str__(self) -> str:
        return self.title or self.slug


class Article(models.Model):
    """The root of a thread: the post or news article the comments answer."""

    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="articles")
    external_id = models.CharField(max_length=255)
    title = models.CharField(max_length=1000)
    body = models.TextField(blank=True)
    author = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    meta = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["corpus_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["corpus", "external_id"], name="article_unique_external_id"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    # The unique (article, external_id) and (article, position) indexes serve the
    # article: an index of its own would only slow every insert.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    external_id = models.CharField(max_length=255)
    author = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    meta = models.JSONField(default=dict, blank=True)
    depth = models.PositiveIntegerField(help_text="0 for a top-level comment.")
    position = models.PositiveIntegerField(
        help_text="Index in the thread's display order (parents before replies)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "external_id"], name="comment_unique_external_id"
            ),
            models.UniqueConstraint(fields=["article", "position"], name="comment_unique_position"),
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(depth=0))
                | (Q(parent__isnull=False) & Q(depth__gt=0)),
                name="comment_depth_matches_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} (depth {self.depth})"

    @property
    def is_orphan(self) -> bool:
        return bool(self.meta.get("orphan"))
