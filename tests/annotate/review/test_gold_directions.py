"""Gold reply labels in a corpus that labels both directions: one gold label per comment and
direction, each settled from the annotators' labels in that direction only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotate.models import AnnotationEvent, LabelKind, ReplyLabel
from annotate.services import gold
from annotate.services.corpora import reply_directions_set
from annotate.services.gold import reply_labels_fingerprint
from tests.factories import ReplyLabelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def toward_root(labelled, alice, bob):
    """The review thread, its corpus labelling both directions: on c1, toward the root, alice
    and bob both say query (toward the parent both said deny)."""
    reply_directions_set(corpus=labelled["article"].corpus, directions=["parent", "root"])
    value = labelled["value"]
    c1 = labelled["c1"]
    a_root = ReplyLabelFactory(
        annotator=alice, comment=c1, toward="root", label=value(LabelKind.REPLY_LABEL, "query")
    )
    b_root = ReplyLabelFactory(
        annotator=bob, comment=c1, toward="root", label=value(LabelKind.REPLY_LABEL, "query")
    )
    return {**labelled, "a_root": a_root, "b_root": b_root}


def _seen(comment, toward):
    rows = ReplyLabel.objects.filter(comment=comment, is_gold=False, toward=toward)
    return reply_labels_fingerprint([(r.annotator.username, r.label_id) for r in rows])


def test_it_accepts_a_label_toward_the_root_as_the_gold_one_toward_the_root(toward_root, victor):
    root = toward_root["a_root"]
    reply = gold.gold_reply_label_accept(
        reviewer=victor, reply_label_id=root.pk, seen=str(root.label_id), seen_gold=""
    )
    assert (reply.toward, reply.label.name) == ("root", "query")


def test_it_keeps_one_gold_label_per_direction(toward_root, victor):
    for key in ("a_reply", "a_root"):
        row = toward_root[key]
        gold.gold_reply_label_accept(
            reviewer=victor, reply_label_id=row.pk, seen=str(row.label_id), seen_gold=""
        )
    golds = ReplyLabel.objects.filter(is_gold=True, comment=toward_root["c1"])
    assert set(golds.values_list("toward", "label__name")) == {
        ("parent", "deny"),
        ("root", "query"),
    }


def test_it_takes_the_majority_among_the_labels_of_its_direction(toward_root, victor, alice):
    c1 = toward_root["c1"]
    reply = gold.gold_reply_label_majority(
        reviewer=victor, comment=c1, toward="root", seen=_seen(c1, "root"), seen_gold=""
    )
    assert (reply.toward, reply.label.name, reply.source_id) == ("root", "query", alice.pk)


def test_it_refuses_a_majority_when_the_labels_of_its_direction_changed(toward_root, victor, bob):
    c1 = toward_root["c1"]
    seen = _seen(c1, "root")
    ReplyLabel.objects.filter(pk=toward_root["b_root"].pk).delete()
    with pytest.raises(gold.GoldConflict, match="reply labels toward the article on this comment"):
        gold.gold_reply_label_majority(
            reviewer=victor, comment=c1, toward="root", seen=seen, seen_gold=""
        )


def test_it_refuses_a_majority_toward_a_direction_the_corpus_does_not_label(labelled, victor):
    c1 = labelled["c1"]
    with pytest.raises(ValidationError, match="does not label replies toward the article"):
        gold.gold_reply_label_majority(
            reviewer=victor, comment=c1, toward="root", seen="", seen_gold=""
        )


def test_it_records_the_direction_of_a_gold_label(toward_root, victor):
    root = toward_root["a_root"]
    gold.gold_reply_label_accept(
        reviewer=victor, reply_label_id=root.pk, seen=str(root.label_id), seen_gold=""
    )
    event = AnnotationEvent.objects.get(object_type="reply_label", actor=victor)
    assert (event.after["toward"], event.after["is_gold"]) == ("root", True)
