"""Agreement on reply labels where a corpus labels both directions: each direction computed from
its own labels (``reply_labels_by_direction``), ``reply_labels`` the parent one; checked against
hand sums through the database and the API."""

from __future__ import annotations

from fractions import Fraction

import pytest

from annotate.models import LabelKind
from annotate.services.corpora import reply_directions_set
from annotate.services.reply_labels import reply_label_set
from tests.annotate.api.clients import client_for
from tests.factories import label

pytestmark = pytest.mark.django_db

URL = "/api/v1/corpora/demo/agreement/"

# (comment, alice's label, bob's label) in each direction.
PARENT = [("c1", "support", "support"), ("c2", "deny", "deny"), ("c3", "query", "query")]
PARENT += [("c4", "comment", "deny")]
ROOT = [("c1", "support", "deny"), ("c2", "deny", "deny"), ("c3", "query", "support")]
ROOT += [("c4", "support", "support")]


def _label(thread, directions, labels):
    corpus = thread["article"].corpus
    reply_directions_set(corpus=corpus, directions=directions)
    for toward, rows in labels.items():
        for where, a, b in rows:
            for user, name in ((thread["alice"], a), (thread["bob"], b)):
                reply_label_set(
                    annotator=user,
                    comment=thread[where],
                    label=label(corpus, LabelKind.REPLY_LABEL, name),
                    toward=toward,
                )


@pytest.fixture
def both(thread, alice, bob):
    _label(
        {**thread, "alice": alice, "bob": bob}, ["parent", "root"], {"parent": PARENT, "root": ROOT}
    )
    return thread


def _report(rita):
    response = client_for(rita).get(URL)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_reports_the_parent_direction_from_its_labels_alone(both, rita):
    figures = _report(rita)["threads"]["thread-1"]["reply_labels_by_direction"]["parent"]
    # Coincidences: s-s 2, d-d 2, q-q 2, c-d 1 + 1; n = 8, n_s 2, n_d 3, n_q 2, n_c 1:
    # alpha = 1 - 7 * 2 / (64 - 4 - 9 - 4 - 1) = 16/23.
    assert figures["alpha_nominal"] == pytest.approx(float(Fraction(16, 23)), abs=1e-9)
    # Observed 3/4; p_e = 1/4 * 1/4 (s) + 1/4 * 2/4 (d) + 1/4 * 1/4 (q) = 1/4; kappa = 2/3.
    pair = figures["kappa_pairwise"]["alice|bob"]
    assert (pair["n"], pair["observed"]) == (4, 0.75)
    assert pair["kappa"] == pytest.approx(2 / 3, abs=1e-9)


def test_it_reports_the_root_direction_from_its_labels_alone(both, rita):
    figures = _report(rita)["threads"]["thread-1"]["reply_labels_by_direction"]["root"]
    # Coincidences: s-d 1 + 1, d-d 2, q-s 1 + 1, s-s 2; n = 8, n_s 4, n_d 3, n_q 1:
    # alpha = 1 - 7 * 4 / (64 - 16 - 9 - 1) = 5/19.
    assert figures["alpha_nominal"] == pytest.approx(float(Fraction(5, 19)), abs=1e-9)
    # Observed 2/4; p_e = 2/4 * 2/4 (s) + 1/4 * 2/4 (d) = 3/8; kappa = (1/8) / (5/8) = 1/5.
    pair = figures["kappa_pairwise"]["alice|bob"]
    assert (pair["n"], pair["observed"]) == (4, 0.5)
    assert pair["kappa"] == pytest.approx(0.2, abs=1e-9)


def test_it_headlines_the_parent_direction_where_the_corpus_labels_both(both, rita):
    report = _report(rita)
    for level in (report["corpus"], report["threads"]["thread-1"]):
        assert level["reply_labels"] == level["reply_labels_by_direction"]["parent"]
        assert level["matrix"]["kappa"]["alice|bob"] == pytest.approx(2 / 3, abs=1e-9)


def test_it_pools_each_direction_at_the_corpus_level(both, rita):
    corpus = _report(rita)["corpus"]["reply_labels_by_direction"]
    assert corpus["root"]["kappa_mean_pairwise"] == pytest.approx(0.2, abs=1e-9)


def test_it_reports_no_directions_apart_where_the_corpus_labels_one(thread, alice, bob, rita):
    _label({**thread, "alice": alice, "bob": bob}, ["parent"], {"parent": PARENT})
    report = _report(rita)
    assert "reply_labels_by_direction" not in report["corpus"]
    assert report["corpus"]["reply_labels"]["kappa_pairwise"]["alice|bob"]["observed"] == 0.75


def test_it_headlines_the_root_direction_where_the_corpus_labels_only_that(
    thread, alice, bob, rita
):
    _label({**thread, "alice": alice, "bob": bob}, ["root"], {"root": ROOT})
    level = _report(rita)["threads"]["thread-1"]
    assert "reply_labels_by_direction" not in level
    assert level["reply_labels"]["kappa_mean_pairwise"] == pytest.approx(0.2, abs=1e-9)


def test_it_reports_both_directions_as_soon_as_the_corpus_labels_both(thread, alice, bob, rita):
    _label({**thread, "alice": alice, "bob": bob}, ["parent"], {"parent": PARENT})
    _report(rita)  # the figures are kept
    reply_directions_set(corpus=thread["article"].corpus, directions=["parent", "root"])
    root = _report(rita)["threads"]["thread-1"]["reply_labels_by_direction"]["root"]
    assert root["kappa_pairwise"]["alice|bob"]["n"] == 0
