"""GET /api/v1/corpora/{slug}/agreement/: the figures of DESIGN.md "Agreement" from the database,
checked against hand sums and the brute-force alpha_U of the agreement tests, and kept per
thread until its labels change."""

from __future__ import annotations

from fractions import Fraction

import pytest

from annotate.models import AgreementFigures, AssignmentStatus, LabelKind
from annotate.services.assignments import assignment_set_status
from annotate.services.claims import claim_create
from annotate.services.reply_labels import reply_label_set
from tests.annotate.agreement.brute_force import brute_alpha_u
from tests.annotate.agreement.builders import unit
from tests.annotate.api.clients import client_for
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CommentFactory,
    UserFactory,
    label,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/corpora/demo/agreement/"


def _claim(user, thread, where, start, end, stance="support"):
    corpus = thread["article"].corpus
    comment = None if where == "body" else thread[where]
    text = thread["article"].body if comment is None else comment.text
    return claim_create(
        annotator=user,
        article=thread["article"],
        comment=comment,
        start=start,
        end=end,
        quote=text[start:end],
        claim_type=label(corpus, LabelKind.CLAIM_TYPE, "claim"),
        stance=label(corpus, LabelKind.STANCE, stance),
        stance_target=label(corpus, LabelKind.STANCE_TARGET, "thesis"),
    )


def _reply(user, thread, where, name):
    corpus = thread["article"].corpus
    reply_label_set(
        annotator=user, comment=thread[where], label=label(corpus, LabelKind.REPLY_LABEL, name)
    )


@pytest.fixture
def studied(thread, alice, bob):
    """Texts (code points): body "Thesis 🚀 here." 14, c1 "First 😀 comment." 16, c2 "A reply."
    8, c3 "Deeper 𝕏 reply." 15, c4 "Second top-level." 17: a continuum of 70."""
    _claim(alice, thread, "body", 0, 6)  # "Thesis"
    _claim(alice, thread, "c1", 0, 5)  # "First"
    _claim(alice, thread, "c3", 0, 6)  # "Deeper"
    _claim(bob, thread, "body", 0, 6, stance="oppose")
    _claim(bob, thread, "c1", 8, 15)  # "comment", after the emoji
    _reply(alice, thread, "c1", "support")
    _reply(bob, thread, "c1", "support")
    _reply(alice, thread, "c2", "deny")
    _reply(bob, thread, "c2", "query")
    return thread


def _figures(rita):
    response = client_for(rita).get(URL)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_reports_reply_label_alpha_and_kappa_from_the_labels(studied, rita):
    figures = _figures(rita)["threads"]["thread-1"]["reply_labels"]
    # Coincidences: c1 support-support (2), c2 deny-query (1 + 1); n = 4, n_s 2, n_d 1, n_q 1:
    # alpha = 1 - 3 * 2 / (16 - 6) = 0.4. Kappa: observed 1/2, p_e 1/4: (1/2 - 1/4) / (3/4).
    assert figures["alpha_nominal"] == pytest.approx(0.4, abs=1e-9)
    assert figures["kappa_pairwise"]["alice|bob"] == {
        "n": 2,
        "observed": 0.5,
        "kappa": pytest.approx(1 / 3, abs=1e-9),
    }


def test_it_reports_alpha_u_on_the_code_point_continuum(studied, rita):
    claims = _figures(rita)["threads"]["thread-1"]["claims"]
    # The units laid end to end: c1 starts at 14, c3 at 14 + 16 + 8 = 38.
    units = [
        unit("alice", "claim", 0, 6),
        unit("alice", "claim", 14, 5),
        unit("alice", "claim", 38, 6),
        unit("bob", "claim", 0, 6),
        unit("bob", "claim", 22, 7),
    ]
    alpha, d_o, d_e, _ = brute_alpha_u(70, ["alice", "bob"], units)
    assert claims["n_claims"] == 5
    assert claims["alpha_u"]["pooled"]["alpha"] == pytest.approx(float(alpha), abs=1e-9)
    assert claims["alpha_u"]["pooled"]["d_o"] == pytest.approx(float(d_o), abs=1e-9)
    assert claims["alpha_u"]["pooled"]["d_e"] == pytest.approx(float(d_e), abs=1e-9)
    assert claims["alpha_u"]["pairwise"]["alice|bob"] == pytest.approx(float(alpha), abs=1e-9)


def test_it_reports_span_f1_and_stance_on_matched_claims(studied, rita):
    thread = _figures(rita)["threads"]["thread-1"]
    # One of 3 + 2 claims matches (the body's "Thesis"): F1 = 2 * 1 / 5.
    assert thread["claims"]["span_f1"]["exact"]["pairwise"]["alice|bob"] == {
        "f1": 0.4,
        "matches": 1,
        "n_first": 3,
        "n_second": 2,
    }
    assert thread["claims"]["span_f1"]["overlap"]["micro"] == pytest.approx(0.4)
    # The matched pair: support against oppose; p_e = 1 * 0 + 0 * 1 = 0, so kappa 0.
    stance = thread["claims"]["stance"]
    assert stance["n_matched"] == 1
    assert stance["observed"] == 0
    assert stance["pairwise"]["alice|bob"]["kappa"] == 0


def test_it_gives_the_corpus_the_same_keys_as_each_thread(studied, rita):
    figures = _figures(rita)
    assert figures["corpus"]["annotators"] == ["alice", "bob"]
    assert set(figures["corpus"]) == set(figures["threads"]["thread-1"])
    assert figures["corpus"]["claims"]["alpha_u"]["thread_mean"] == pytest.approx(
        figures["threads"]["thread-1"]["claims"]["alpha_u"]["pooled"]["alpha"]
    )
    assert set(figures["corpus"]["by_depth"]) == {"1", "2", "3", "4+"}


def test_it_leaves_gold_out_of_the_annotators(studied, rita, victor):
    ClaimFactory(annotator=victor, article=studied["article"], is_gold=True)
    assert _figures(rita)["threads"]["thread-1"]["annotators"] == ["alice", "bob"]


def test_it_counts_an_annotator_with_a_done_assignment_and_no_label(thread, rita, alice):
    carol = UserFactory(username="carol")
    assignment = AssignmentFactory(annotator=carol, article=thread["article"])
    assignment_set_status(assignment=assignment, status=AssignmentStatus.DONE)
    _claim(alice, thread, "body", 0, 6)
    assert _figures(rita)["threads"]["thread-1"]["annotators"] == ["alice", "carol"]


def test_it_answers_null_for_figures_it_cannot_define(thread, rita, alice):
    _claim(alice, thread, "body", 0, 6)
    figures = _figures(rita)["threads"]["thread-1"]
    assert figures["reply_labels"]["alpha_nominal"] is None
    assert figures["claims"]["alpha_u"]["pooled"]["alpha"] is None


def test_it_limits_the_figures_to_one_thread(studied, rita, corpus):
    other = ArticleFactory(corpus=corpus, external_id="thread-2", body="Another thesis.")
    response = client_for(rita).get(URL, {"thread": other.pk})
    assert list(response.json()["threads"]) == ["thread-2"]


def test_it_refuses_a_thread_that_is_not_an_id(studied, rita):
    response = client_for(rita).get(URL, {"thread": "x"})
    assert response.status_code == 400
    assert "is not a thread id" in response.json()["detail"]


def test_it_answers_404_for_a_thread_of_another_corpus(studied, rita):
    elsewhere = ArticleFactory(external_id="far")
    response = client_for(rita).get(URL, {"thread": elsewhere.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("who, status", [("rita", 200), ("victor", 200), ("alice", 403)])
def test_it_lets_only_those_who_read_every_label_see_agreement(studied, request, who, status):
    response = client_for(request.getfixturevalue(who)).get(URL)
    assert response.status_code == status


def test_it_hides_the_corpus_from_an_outsider(studied, charlie):
    assert client_for(charlie).get(URL).status_code == 404


def test_it_asks_for_authentication(studied):
    assert client_for(None).get(URL).status_code == 401


def test_it_keeps_each_threads_figures(studied, rita):
    _figures(rita)
    assert AgreementFigures.objects.filter(article=studied["article"]).exists()


def test_it_forgets_a_threads_figures_when_a_label_changes(studied, rita, alice):
    _figures(rita)
    _claim(alice, studied, "c4", 0, 6)
    assert not AgreementFigures.objects.filter(article=studied["article"]).exists()
    assert _figures(rita)["threads"]["thread-1"]["claims"]["n_claims"] == 6


def test_it_recomputes_only_the_thread_that_changed(studied, rita, alice, corpus):
    other = ArticleFactory(corpus=corpus, external_id="thread-2", body="Another thesis.")
    AssignmentFactory(annotator=alice, article=other)
    _figures(rita)
    kept = AgreementFigures.objects.get(article=other).computed_at
    _claim(alice, studied, "c4", 0, 6)
    _figures(rita)
    assert AgreementFigures.objects.get(article=other).computed_at == kept


@pytest.mark.parametrize("threads", [2, 12])
def test_it_answers_from_kept_figures_in_a_fixed_number_of_queries(
    corpus, alice, bob, rita, threads, django_assert_max_num_queries
):
    for n in range(threads):
        article = ArticleFactory(corpus=corpus, external_id=f"t{n}", body="A thesis here.")
        comment = CommentFactory(article=article, text="A reply to it.")
        ClaimFactory(annotator=alice, article=article)
        ClaimFactory(annotator=bob, article=article, comment=comment)
    client = client_for(rita)
    client.get(URL)  # computes and keeps
    with django_assert_max_num_queries(13):  # 12, and the address throttle's cache read
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize("threads", [2, 12])
def test_it_computes_stale_threads_in_a_fixed_number_of_queries(
    corpus, alice, bob, rita, threads, django_assert_max_num_queries
):
    for n in range(threads):
        article = ArticleFactory(corpus=corpus, external_id=f"t{n}", body="A thesis here.")
        comment = CommentFactory(article=article, text="A reply to it.")
        ClaimFactory(annotator=alice, article=article)
        ClaimFactory(annotator=bob, article=article, comment=comment)
    with django_assert_max_num_queries(32):  # 31, and the address throttle's cache read
        assert client_for(rita).get(URL).status_code == 200


def test_it_counts_code_points_of_stored_texts_in_the_database(thread, rita, alice, bob):
    # "Deeper 𝕏 reply." is 15 code points (16 UTF-16 units): the continuum is 70, not 71.
    _claim(alice, thread, "c4", 0, 6)
    _claim(bob, thread, "c4", 0, 6)
    pooled = _figures(rita)["threads"]["thread-1"]["claims"]["alpha_u"]["pooled"]
    units = [unit("alice", "claim", 53, 6), unit("bob", "claim", 53, 6)]
    _, _, d_e, _ = brute_alpha_u(70, ["alice", "bob"], units)
    assert pooled["d_e"] == pytest.approx(float(d_e), abs=1e-12)
    assert Fraction(pooled["alpha"]).limit_denominator() == 1
