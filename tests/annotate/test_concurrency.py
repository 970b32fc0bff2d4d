"""Writes with a unique constraint stay correct when the same request arrives twice at once
(two tabs, a double click): every request succeeds and one row is left."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from annotate.models import LabelKind, ReplyLabel
from annotate.services.reply_labels import reply_label_set
from tests.factories import label


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_reply_label_when_six_requests_set_it_at_once(thread, alice):
    if connection.vendor != "postgresql":
        # SQLite writes one at a time (IMMEDIATE transactions): there is no race to lose. Its
        # in-memory test database locks tables instead of waiting, so the race is not shown.
        pytest.skip("PostgreSQL only: SQLite serialises writers")
    comment = thread["c1"]
    value = label(comment.article.corpus, LabelKind.REPLY_LABEL, "deny")
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def click() -> None:
        try:
            start.wait()
            reply_label_set(annotator=alice, comment=comment, label=value)
        except BaseException as error:  # collected for the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    clicks = [threading.Thread(target=click) for _ in range(6)]
    for t in clicks:
        t.start()
    for t in clicks:
        t.join()
    assert errors == []
    assert ReplyLabel.objects.filter(annotator=alice, comment=comment).count() == 1
