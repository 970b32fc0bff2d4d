"""Writes with a unique constraint stay correct when the same request arrives several times at
once (two tabs, a double click, two admins): every request succeeds and one row is left.

PostgreSQL only: SQLite writes one at a time (IMMEDIATE transactions), so there is no race to
lose, and its in-memory test database locks tables instead of waiting, so it cannot be shown.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from annotate.models import Assignment, Claim, LabelKind, ReplyLabel
from annotate.services import gold
from annotate.services.assignments import assignment_overlap_create
from annotate.services.claims import claim_create
from annotate.services.reply_labels import reply_label_set
from tests.factories import ArticleFactory, CorpusGrantFactory, UserFactory, label

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only: SQLite serialises writers"
    ),
]


def at_once(times: int, write: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``write`` in ``times`` threads released together: what they returned, and raised."""
    start = threading.Barrier(times)
    results: list[Any] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            start.wait()
            results.append(write())
        except BaseException as error:  # collected for the assertions
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_it_keeps_one_reply_label_when_six_requests_set_it_at_once(thread, alice):
    comment = thread["c1"]
    value = label(comment.article.corpus, LabelKind.REPLY_LABEL, "deny")

    _, errors = at_once(6, lambda: reply_label_set(annotator=alice, comment=comment, label=value))

    assert errors == []
    assert ReplyLabel.objects.filter(annotator=alice, comment=comment).count() == 1


def test_it_keeps_one_claim_when_six_saves_with_one_client_token_arrive_at_once(thread, alice):
    comment, corpus = thread["c1"], thread["article"].corpus
    token = uuid.uuid4()
    labels = {
        "claim_type": label(corpus, LabelKind.CLAIM_TYPE, "claim"),
        "stance": label(corpus, LabelKind.STANCE, "support"),
        "stance_target": label(corpus, LabelKind.STANCE_TARGET, "parent"),
    }

    def save() -> int:
        return claim_create(
            annotator=alice,
            article=thread["article"],
            comment=comment,
            start=0,
            end=5,
            quote=comment.text[0:5],
            client_token=token,
            **labels,
        ).pk

    saved, errors = at_once(6, save)

    assert errors == []
    assert len(set(saved)) == 1
    assert Claim.objects.filter(annotator=alice, client_token=token).count() == 1


def test_it_keeps_one_gold_reply_label_when_six_accepts_arrive_at_once(thread, alice, victor):
    comment = thread["c1"]
    value = label(comment.article.corpus, LabelKind.REPLY_LABEL, "deny")
    source = reply_label_set(annotator=alice, comment=comment, label=value)

    _, errors = at_once(
        6,
        lambda: gold.gold_reply_label_accept(
            reviewer=victor, reply_label_id=source.pk, seen=str(value.pk), seen_gold=""
        ),
    )

    assert errors == []
    assert ReplyLabel.objects.filter(comment=comment, is_gold=True).count() == 1


def test_it_gives_each_thread_k_annotators_when_two_overlap_plans_run_at_once(corpus):
    pool = [UserFactory(username=name) for name in ("ann", "ben", "cai")]
    for user in pool:
        CorpusGrantFactory(user=user, corpus=corpus, role="annotator")
    articles = ArticleFactory.create_batch(4, corpus=corpus)

    _, errors = at_once(2, lambda: assignment_overlap_create(corpus=corpus, k=2, annotators=pool))

    assert errors == []
    for article in articles:
        assert Assignment.objects.filter(article=article).count() == 2
