"""Fixtures shared by the API tests: fresh throttle counters for every test, and ``labelled``.

``labelled``: the conftest thread in corpus "demo" with claims by alice and bob,
a gold claim and reply label by victor, a claim-to-claim target, a relation of
alice's (her claim in c2 attacks hers in c1), and an unassigned second thread;
plus corpus "other" (not granted to rita or victor) with a thread annotated by
dave.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from annotate.models import LabelKind
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CommentFactory,
    CorpusFactory,
    RelationFactory,
    ReplyLabelFactory,
    UserFactory,
    label,
)


@pytest.fixture(autouse=True)
def _fresh_throttles(settings):
    """Throttle counters live in the cache: start every test from zero.

    (And hash the cast's passwords quickly: these tests are about the API, not hashing.)
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def labelled(thread, corpus, alice, bob, victor):
    article = thread["article"]
    stance = label(corpus, LabelKind.STANCE, "oppose")
    a_body = ClaimFactory(annotator=alice, article=article)
    a_c1 = ClaimFactory(annotator=alice, article=article, comment=thread["c1"])
    a_c2 = ClaimFactory(
        annotator=alice,
        article=article,
        comment=thread["c2"],
        stance=stance,
        target_claim=a_c1,
    )
    a_relation = RelationFactory(
        from_claim=a_c2, to_claim=a_c1, type=label(corpus, LabelKind.RELATION, "attack")
    )
    b_c1 = ClaimFactory(annotator=bob, article=article, comment=thread["c1"])
    gold = ClaimFactory(annotator=victor, article=article, comment=thread["c1"], is_gold=True)
    a_rl = ReplyLabelFactory(annotator=alice, comment=thread["c2"])
    b_rl = ReplyLabelFactory(
        annotator=bob,
        comment=thread["c2"],
        label=label(corpus, LabelKind.REPLY_LABEL, "deny"),
    )
    gold_rl = ReplyLabelFactory(annotator=victor, comment=thread["c2"], is_gold=True)
    unassigned = ArticleFactory(corpus=corpus, external_id="thread-2", title="Unassigned")
    u_claim = ClaimFactory(annotator=bob, article=unassigned)

    other = CorpusFactory(slug="other", title="Other corpus")
    dave = UserFactory(username="dave")
    o_article = ArticleFactory(corpus=other, external_id="o-1", title="Elsewhere")
    o_comment = CommentFactory(article=o_article, external_id="o-c1", text="Over there.")
    AssignmentFactory(annotator=dave, article=o_article)
    o_claim = ClaimFactory(annotator=dave, article=o_article, comment=o_comment)
    o_rl = ReplyLabelFactory(annotator=dave, comment=o_comment)
    return {
        **thread,
        "other": other,
        "dave": dave,
        "unassigned": unassigned,
        "o_article": o_article,
        "claims": {
            "a_body": a_body,
            "a_c1": a_c1,
            "a_c2": a_c2,
            "b_c1": b_c1,
            "gold": gold,
            "u_claim": u_claim,
            "o_claim": o_claim,
        },
        "reply_labels": {"a": a_rl, "b": b_rl, "gold": gold_rl, "o": o_rl},
        "relations": {"a": a_relation},
    }
