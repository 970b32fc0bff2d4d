"""The agreement page: the corpus's figures, the threads' chart and the pair matrix."""

from __future__ import annotations

import json

import pytest

from annotate.models import LabelKind
from annotate.reports.charts import scatter
from tests.factories import ArticleFactory, ClaimFactory, CommentFactory, ReplyLabelFactory, label

URL = "/corpora/demo/agreement/"


@pytest.fixture
def labelled(thread, alice, bob):
    article = thread["article"]
    ClaimFactory(annotator=alice, article=article)
    ClaimFactory(annotator=bob, article=article)
    ReplyLabelFactory(annotator=alice, comment=thread["c1"])
    ReplyLabelFactory(
        annotator=bob,
        comment=thread["c1"],
        label=label(article.corpus, LabelKind.REPLY_LABEL, "deny"),
    )
    return thread


def test_it_shows_the_corpus_figures_to_a_reviewer(client, labelled, victor):
    client.force_login(victor)
    page = client.get(URL).content.decode()
    assert "Krippendorff" in page
    assert "alice" in page and "bob" in page


def test_it_shows_undefined_figures_as_a_dash_not_zero(client, labelled, victor):
    client.force_login(victor)
    page = client.get(URL).content.decode()
    # Only top-level comments are labelled: depth 2 and deeper have nothing to compare.
    assert "—" in page


def test_it_draws_a_dot_for_each_thread_with_both_figures():
    chart = scatter([("a", 1.0, 1.0), ("b", -1.0, -1.0), ("c", None, 0.5)])
    assert [(p.x, p.y) for p in chart.points] == [(384.0, 36.0), (36.0, 264.0)]
    assert chart.missing == 1


def test_it_escapes_thread_ids(client, corpus, alice, bob, victor):
    article = ArticleFactory(corpus=corpus, external_id="<script>x</script>", body="A b.")
    ClaimFactory(annotator=alice, article=article)
    client.force_login(victor)
    page = client.get(URL).content.decode()
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


@pytest.mark.parametrize("who, status", [("victor", 200), ("rita", 200), ("admin_user", 200)])
def test_it_opens_for_the_corpus_readers(client, labelled, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == status


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_it_is_a_404_for_annotators_and_outsiders(client, labelled, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404


@pytest.mark.parametrize("threads", [1, 10])
def test_it_reads_in_a_fixed_number_of_queries(
    client, corpus, alice, bob, victor, threads, django_assert_max_num_queries
):
    for n in range(threads):
        article = ArticleFactory(corpus=corpus, external_id=f"t{n}", body="A thesis.")
        comment = CommentFactory(article=article, text="A reply.")
        ClaimFactory(annotator=alice, article=article)
        ClaimFactory(annotator=bob, article=article, comment=comment)
    client.force_login(victor)
    with django_assert_max_num_queries(20):
        assert client.get(URL).status_code == 200


def test_the_command_prints_the_same_figures_as_the_api(labelled, rita, capsys):
    from django.core.management import call_command

    from tests.annotate.api.clients import client_for

    call_command("agreement", "demo")
    printed = json.loads(capsys.readouterr().out)
    assert printed == client_for(rita).get("/api/v1/corpora/demo/agreement/").json()


def test_the_command_names_an_unknown_corpus(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No corpus 'nope'"):
        call_command("agreement", "nope")


def test_it_shows_each_direction_where_the_corpus_labels_both(client, labelled, alice, bob, victor):
    from annotate.services.corpora import reply_directions_set

    corpus = labelled["article"].corpus
    reply_directions_set(corpus=corpus, directions=["parent", "root"])
    for user, name in ((alice, "query"), (bob, "query")):
        ReplyLabelFactory(
            annotator=user,
            comment=labelled["c1"],
            toward="root",
            label=label(corpus, LabelKind.REPLY_LABEL, name),
        )
    client.force_login(victor)
    page = client.get(URL).content.decode()
    assert "Reply labels toward the article: Cohen's κ, mean over pairs" in page
    assert "Reply labels toward the parent: Krippendorff's α (nominal)" in page
    assert "Reply κ (article)" in page
