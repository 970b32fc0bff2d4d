"""The services of reply labels toward the parent or the root: one label per direction the corpus
labels, and the corpus's directions themselves (annotate/services/reply_labels.py, corpora.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotate.models import AgreementFigures, AnnotationEvent, ReplyLabel
from annotate.selectors.schema import reply_directions_get
from annotate.services.agreement import thread_figures_get
from annotate.services.corpora import reply_directions_enable, reply_directions_set
from annotate.services.reply_labels import reply_label_clear, reply_label_set
from tests.factories import ReplyLabelFactory, label

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(corpus):
    reply_directions_set(corpus=corpus, directions=["parent", "root"])
    return corpus


def test_a_corpus_labels_replies_toward_the_parent_by_default(corpus):
    assert reply_directions_get(corpus=corpus) == ("parent",)


def test_it_sets_a_label_toward_each_direction_apart(thread, alice, both):
    c2 = thread["c2"]
    reply_label_set(annotator=alice, comment=c2, label=label(both, "reply_label", "deny"))
    reply_label_set(
        annotator=alice, comment=c2, label=label(both, "reply_label", "query"), toward="root"
    )
    assert set(ReplyLabel.objects.values_list("toward", "label__name")) == {
        ("parent", "deny"),
        ("root", "query"),
    }


def test_it_replaces_only_the_label_of_its_direction(thread, alice, both):
    c2 = thread["c2"]
    for name, toward in (("deny", "parent"), ("query", "root"), ("comment", "root")):
        reply_label_set(
            annotator=alice, comment=c2, label=label(both, "reply_label", name), toward=toward
        )
    assert set(ReplyLabel.objects.values_list("toward", "label__name")) == {
        ("parent", "deny"),
        ("root", "comment"),
    }


def test_it_refuses_a_direction_the_corpus_does_not_label(thread, alice, corpus):
    with pytest.raises(ValidationError, match="does not label replies toward the article"):
        reply_label_set(
            annotator=alice,
            comment=thread["c2"],
            label=label(corpus, "reply_label", "deny"),
            toward="root",
        )
    assert not ReplyLabel.objects.exists()


def test_it_refuses_an_unknown_direction(thread, alice, both):
    with pytest.raises(ValidationError, match="No direction 'sideways'"):
        reply_label_set(
            annotator=alice,
            comment=thread["c2"],
            label=label(both, "reply_label", "deny"),
            toward="sideways",
        )


def test_it_records_the_direction_in_the_history(thread, alice, both):
    reply_label_set(
        annotator=alice,
        comment=thread["c2"],
        label=label(both, "reply_label", "deny"),
        toward="root",
    )
    event = AnnotationEvent.objects.get(object_type="reply_label")
    assert (event.action, event.after["toward"], event.after["label"]) == ("create", "root", "deny")


def test_it_clears_only_the_label_of_its_direction(thread, alice, both):
    c2 = thread["c2"]
    ReplyLabelFactory(comment=c2, annotator=alice, toward="parent")
    ReplyLabelFactory(comment=c2, annotator=alice, toward="root")

    assert reply_label_clear(annotator=alice, comment=c2, toward="root") is True

    assert list(ReplyLabel.objects.values_list("toward", flat=True)) == ["parent"]
    event = AnnotationEvent.objects.get(object_type="reply_label", action="delete")
    assert event.before["toward"] == "root"


def test_it_turns_the_root_direction_on(corpus):
    assert reply_directions_set(corpus=corpus, directions=["root", "parent"]) == ("parent", "root")
    assert reply_directions_get(corpus=type(corpus).objects.get(pk=corpus.pk)) == (
        "parent",
        "root",
    )


def test_it_refuses_to_label_no_direction(corpus):
    with pytest.raises(ValidationError, match="need a direction"):
        reply_directions_set(corpus=corpus, directions=[])


def test_it_refuses_to_turn_off_a_direction_labels_are_given_in(thread, alice, both):
    ReplyLabelFactory(comment=thread["c2"], annotator=alice, toward="root")
    with pytest.raises(ValidationError, match="1 reply label is given toward the article"):
        reply_directions_set(corpus=both, directions=["parent"])
    assert reply_directions_get(corpus=type(both).objects.get(pk=both.pk)) == ("parent", "root")


def test_it_turns_off_a_direction_no_label_is_given_in(thread, alice, both):
    ReplyLabelFactory(comment=thread["c2"], annotator=alice, toward="parent")
    assert reply_directions_set(corpus=both, directions=["parent"]) == ("parent",)


def test_it_forgets_the_kept_agreement_figures_when_the_directions_change(thread, corpus):
    thread_figures_get(corpus=corpus, article_ids=[thread["article"].pk])
    assert AgreementFigures.objects.exists()

    reply_directions_set(corpus=corpus, directions=["parent", "root"])

    assert not AgreementFigures.objects.exists()


def test_it_enables_only_the_directions_missing(corpus):
    assert reply_directions_enable(corpus=corpus, directions={"parent", "root"}) == ["root"]
    assert reply_directions_enable(corpus=corpus, directions={"root"}) == []
