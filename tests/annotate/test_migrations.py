"""Migrations that change rows already there: run forward over data written at the state before."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from annotate.models import ReplyLabel
from tests.factories import ArticleFactory, CommentFactory, UserFactory, label


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor refuses an open transaction
def test_reply_labels_written_before_directions_become_labels_toward_the_parent():
    comment = CommentFactory(article=ArticleFactory())
    alice = UserFactory(username="alice")
    support = label(comment.article.corpus, "reply_label", "support")
    call_command("migrate", "annotate", "0003", verbosity=0)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO annotate_replylabel (annotator_id, article_id, comment_id, label_id,"
                " is_gold, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    alice.pk,
                    comment.article_id,
                    comment.pk,
                    support.pk,
                    False,
                    "2026-01-02",
                    "2026-01-02",
                ],
            )
    finally:
        call_command("migrate", "annotate", verbosity=0)
    assert list(ReplyLabel.objects.values_list("annotator__username", "toward")) == [
        ("alice", "parent")
    ]
