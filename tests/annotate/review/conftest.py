"""A thread alice and bob labelled differently, for the review tests.

article body "Thesis 🚀 here."; c1 "First 😀 comment." replies to the article, c2 to c1.
alice: claim on "Thesis" (support, thesis), claim on "First" (oppose, parent), reply c1 deny.
bob:   claim on "Thesis" (oppose, thesis), claim on "comment." in c1, reply c1 deny, c2 query.
"""

from __future__ import annotations

import pytest

from annotate.models import LabelKind
from tests.factories import ClaimFactory, ReplyLabelFactory, label


@pytest.fixture
def labelled(thread, alice, bob, victor):
    article = thread["article"]
    corpus = article.corpus
    c1, c2 = thread["c1"], thread["c2"]

    def value(kind, name):
        return label(corpus, kind, name)

    a_thesis = ClaimFactory(annotator=alice, article=article, start=0, end=6, quote="Thesis")
    b_thesis = ClaimFactory(
        annotator=bob,
        article=article,
        start=0,
        end=6,
        quote="Thesis",
        stance=value(LabelKind.STANCE, "oppose"),
    )
    a_first = ClaimFactory(
        annotator=alice,
        article=article,
        comment=c1,
        start=0,
        end=5,
        quote="First",
        stance=value(LabelKind.STANCE, "oppose"),
        stance_target=value(LabelKind.STANCE_TARGET, "parent"),
    )
    b_comment = ClaimFactory(
        annotator=bob, article=article, comment=c1, start=8, end=16, quote="comment."
    )
    a_reply = ReplyLabelFactory(
        annotator=alice, comment=c1, label=value(LabelKind.REPLY_LABEL, "deny")
    )
    b_reply = ReplyLabelFactory(
        annotator=bob, comment=c1, label=value(LabelKind.REPLY_LABEL, "deny")
    )
    b_reply2 = ReplyLabelFactory(
        annotator=bob, comment=c2, label=value(LabelKind.REPLY_LABEL, "query")
    )
    return {
        **thread,
        "value": value,
        "a_thesis": a_thesis,
        "b_thesis": b_thesis,
        "a_first": a_first,
        "b_comment": b_comment,
        "a_reply": a_reply,
        "b_reply": b_reply,
        "b_reply2": b_reply2,
    }
