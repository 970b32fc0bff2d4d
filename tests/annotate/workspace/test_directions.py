"""The thread page's reply-label bars: one per direction the corpus labels (toward the parent,
toward the article), each saved on its own, blind as ever, in as many queries as one bar."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotate.models import LabelKind, ReplyLabel, ReplyLabelScope
from annotate.services.corpora import reply_directions_set
from tests.annotate.bigthread import build_thread
from tests.factories import ArticleFactory, AssignmentFactory, ReplyLabelFactory, label

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def both(corpus):
    reply_directions_set(corpus=corpus, directions=["parent", "root"])
    return corpus


def _thread_url(article):
    return reverse("annotate:thread", args=[article.pk])


def _reply_url(thread):
    return reverse("annotate:reply-label", args=[thread["article"].pk])


def _control(body: str, element_id: str) -> str:
    control = body[body.index(f'id="{element_id}"') :]
    return control[: control.index("</form>")]


def test_it_shows_one_bar_toward_the_parent_by_default(as_alice, thread):
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    assert body.count('class="rl"') == 4 and 'class="rl root"' not in body


def test_it_shows_a_bar_toward_the_article_beside_it_where_the_corpus_labels_both(
    as_alice, thread, both
):
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    assert body.count('class="rl"') == 4 and body.count('class="rl root"') == 4
    assert "to root (article):" in _control(body, f"rl-root-{thread['c2'].pk}")
    assert "with <kbd>Shift</kbd> the second" in body


def test_it_shows_only_a_bar_toward_the_article_where_the_corpus_labels_only_that(
    as_alice, thread, corpus
):
    reply_directions_set(corpus=corpus, directions=["root"])
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    assert body.count('class="rl root"') == 4 and 'class="rl"' not in body


def test_it_shows_the_label_of_each_direction_on_its_bar(as_alice, thread, both, alice):
    deny, query = (label(both, LabelKind.REPLY_LABEL, n) for n in ("deny", "query"))
    ReplyLabelFactory(annotator=alice, comment=thread["c2"], label=deny, toward="parent")
    ReplyLabelFactory(annotator=alice, comment=thread["c2"], label=query, toward="root")
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    assert f'class="rlb v{deny.pk} on"' in _control(body, f"rl-{thread['c2'].pk}")
    assert f'class="rlb v{query.pk} on"' in _control(body, f"rl-root-{thread['c2'].pk}")


def test_it_hides_another_annotators_label_toward_the_article(as_alice, thread, both, bob):
    ReplyLabelFactory(annotator=bob, comment=thread["c2"], toward="root")
    body = as_alice.get(_thread_url(thread["article"])).content.decode()
    assert 'aria-pressed="true"' not in _control(body, f"rl-root-{thread['c2'].pk}")


def test_it_sets_a_label_toward_the_article_and_returns_that_bar(as_alice, thread, both, alice):
    query = label(both, LabelKind.REPLY_LABEL, "query")
    data = {"comment": thread["c2"].pk, "label": query.pk, "toward": "root"}
    response = as_alice.post(_reply_url(thread), data, **HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="rl-root-{thread["c2"].pk}"' in body and f'class="rlb v{query.pk} on"' in body
    label_row = ReplyLabel.objects.get(annotator=alice)
    assert (label_row.toward, label_row.label_id) == ("root", query.pk)


def test_it_clears_the_label_toward_the_article_only(as_alice, thread, both, alice):
    ReplyLabelFactory(annotator=alice, comment=thread["c2"], toward="parent")
    ReplyLabelFactory(annotator=alice, comment=thread["c2"], toward="root")
    data = {"comment": thread["c2"].pk, "label": "", "toward": "root"}
    assert as_alice.post(_reply_url(thread), data, **HX).status_code == 200
    assert list(ReplyLabel.objects.values_list("toward", flat=True)) == ["parent"]


def test_it_refuses_a_direction_the_corpus_does_not_label_with_a_message(as_alice, thread, corpus):
    deny = label(corpus, LabelKind.REPLY_LABEL, "deny")
    data = {"comment": thread["c2"].pk, "label": deny.pk, "toward": "root"}
    response = as_alice.post(_reply_url(thread), data, **HX)
    assert response.status_code == 422
    assert "does not label replies toward the article" in response.content.decode()
    assert not ReplyLabel.objects.exists()


def test_it_refuses_a_direction_that_is_neither(as_alice, thread, both):
    deny = label(both, LabelKind.REPLY_LABEL, "deny")
    data = {"comment": thread["c2"].pk, "label": deny.pk, "toward": "sideways"}
    assert as_alice.post(_reply_url(thread), data, **HX).status_code == 400
    assert not ReplyLabel.objects.exists()


def test_it_reads_the_thread_page_with_two_bars_in_at_most_eight_queries(
    as_alice, thread, both, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        as_alice.get(_thread_url(thread["article"]))


def test_it_reads_a_big_thread_with_two_bars_in_as_many_queries_as_a_small_one(
    as_alice, alice, both, django_assert_max_num_queries
):
    articles = []
    for size in (10, 2000):
        article = ArticleFactory(corpus=both)
        build_thread(article=article, comments=size, claims=size // 4, annotator=alice)
        AssignmentFactory(annotator=alice, article=article)
        articles.append(article)
    # As with one direction (tests/annotate/workspace/test_views.py), one of them the shown
    # claims' relations.
    with django_assert_max_num_queries(9):
        assert as_alice.get(_thread_url(articles[0])).status_code == 200
    with django_assert_max_num_queries(9):
        assert as_alice.get(_thread_url(articles[1])).status_code == 200
    url = reverse("annotate:thread-comments", args=[articles[1].pk]) + "?from=100"
    with django_assert_max_num_queries(8):
        body = as_alice.get(url, **HX).content.decode()
    assert body.count('class="rl root"') == 100


def test_it_sets_a_label_toward_the_article_in_as_many_queries_as_toward_the_parent(
    as_alice, thread, both, django_assert_max_num_queries
):
    assert ReplyLabelScope.objects.filter(corpus=both).exists()
    deny = label(both, LabelKind.REPLY_LABEL, "deny")
    data = {"comment": thread["c2"].pk, "label": deny.pk, "toward": "root"}
    with django_assert_max_num_queries(16):
        as_alice.post(_reply_url(thread), data, **HX)
