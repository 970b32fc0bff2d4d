"""The dashboard, each role's home: an annotator's threads (paged), a reviewer's review and
progress, a researcher's corpora with exports and token; the top bar for each role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, AssignmentFactory, CorpusFactory, CorpusGrantFactory

HOME = "annotate:home"


@pytest.fixture
def review_urls(settings):
    """Where the review workspace's ``annotate:review-home`` exists (see review_urls.py)."""
    settings.ROOT_URLCONF = "tests.annotate.workspace.review_urls"


def home(client, user, **params):
    client.force_login(user)
    return client.get(reverse(HOME), params).content.decode()


def assign(user, corpus, n):
    for _ in range(n):
        AssignmentFactory(annotator=user, article=ArticleFactory(corpus=corpus))


# --- Annotators --------------------------------------------------------------------------------


def test_it_pages_an_annotators_threads_fifty_a_page(client, alice, corpus):
    assign(alice, corpus, 51)
    first = home(client, alice)
    assert first.count('class="st-todo"') == 50
    assert "Threads 1–50 of 51" in first
    assert home(client, alice, page=2).count('class="st-todo"') == 1


def test_it_offers_the_next_thread_from_any_page(client, alice, corpus):
    assign(alice, corpus, 51)
    assert 'id="open-next"' in home(client, alice, page=2)


def test_it_offers_no_next_thread_when_all_are_done(client, alice, corpus):
    AssignmentFactory(annotator=alice, article=ArticleFactory(corpus=corpus), status="done")
    assert 'id="open-next"' not in home(client, alice)


@pytest.mark.parametrize("size", [3, 60])
def test_it_reads_an_annotators_home_in_a_constant_number_of_queries(
    client, alice, corpus, django_assert_max_num_queries, size
):
    assign(alice, corpus, size)
    home(client, alice)  # the first visit keeps the top bar's links in the session
    with django_assert_max_num_queries(5):
        client.get(reverse(HOME))


def test_it_shows_an_annotator_only_their_threads(client, alice, corpus):
    CorpusGrantFactory(user=alice, corpus=corpus, role="annotator")
    body = home(client, alice)
    assert "Your threads" in body
    assert 'id="lead"' not in body and 'id="research"' not in body


def test_it_tells_a_new_annotator_that_nothing_is_assigned_yet(client, alice, corpus):
    CorpusGrantFactory(user=alice, corpus=corpus, role="annotator")
    assert "No threads are assigned to you yet" in home(client, alice)


def test_it_tells_a_user_without_a_role_how_to_get_one(client, charlie):
    assert "You have no role on any corpus yet" in home(client, charlie)


# --- Reviewers ---------------------------------------------------------------------------------


def test_it_links_a_reviewer_to_the_review(client, victor, review_urls):
    body = home(client, victor)
    assert f'id="review-home" href="{reverse("annotate:review-home")}"' in body


def test_it_links_a_reviewer_to_the_progress_of_each_corpus_they_review(client, victor, corpus):
    body = home(client, victor)
    assert reverse("annotate:progress", args=[corpus.slug]) in body


def test_it_does_not_list_a_reviewers_corpora_as_threads_to_label(client, victor):
    assert "Your threads" not in home(client, victor)


# --- Researchers -------------------------------------------------------------------------------


def test_it_shows_a_researcher_their_corpora_with_the_export_links(client, rita, corpus):
    body = home(client, rita)
    export = reverse("api:corpus-export", args=[corpus.slug])
    for fmt in ("jsonl", "csv", "convokit"):
        assert f'href="{export}?format={fmt}"' in body


def test_it_links_a_researcher_to_their_token(client, rita):
    assert f'href="{reverse("annotate:profile")}"' in home(client, rita)


def test_it_does_not_show_a_researcher_the_progress(client, rita, corpus):
    assert reverse("annotate:progress", args=[corpus.slug]) not in home(client, rita)


def test_it_shows_a_researcher_only_their_own_corpora(client, rita):
    CorpusFactory(slug="secret", title="Secret corpus")
    assert "Secret corpus" not in home(client, rita)


# --- Admins ------------------------------------------------------------------------------------


def test_it_shows_an_admin_every_corpus_with_progress_and_exports(client, admin_user, corpus):
    other = CorpusFactory(slug="other")
    body = home(client, admin_user)
    for c in (corpus, other):
        assert reverse("annotate:progress", args=[c.slug]) in body
        assert reverse("api:corpus-export", args=[c.slug]) in body


@pytest.mark.parametrize("corpora", [1, 8])
def test_it_reads_an_admins_home_in_a_constant_number_of_queries(
    client, admin_user, django_assert_max_num_queries, corpora
):
    for _ in range(corpora):
        ArticleFactory(corpus=CorpusFactory())
    home(client, admin_user)
    with django_assert_max_num_queries(6):
        client.get(reverse(HOME))


# --- The top bar -------------------------------------------------------------------------------


def nav(body: str) -> str:
    return body.split('<nav aria-label="Main">')[1].split("</nav>")[0]


def test_it_shows_an_annotator_the_dashboard_and_profile_only(client, alice, corpus):
    assign(alice, corpus, 1)
    links = nav(home(client, alice))
    assert "Dashboard" in links and "Profile" in links
    for other in ("Review", "Progress", "API docs", "Admin"):
        assert f">{other}</a>" not in links


def test_it_shows_a_reviewer_review_and_the_progress_of_their_corpus(
    client, victor, corpus, review_urls
):
    links = nav(home(client, victor))
    assert ">Review</a>" in links
    assert f'href="{reverse("annotate:progress", args=[corpus.slug])}">Progress</a>' in links
    assert ">Admin</a>" not in links


def test_it_keeps_the_top_bar_on_the_other_pages(client, victor, corpus):
    home(client, victor)
    links = nav(client.get(reverse("annotate:profile")).content.decode())
    assert ">Progress</a>" in links


def test_it_shows_a_researcher_the_api_docs(client, rita):
    links = nav(home(client, rita))
    assert f'href="{reverse("api:docs")}">API docs</a>' in links
    assert ">Progress</a>" not in links


def test_it_shows_an_admin_every_link(client, admin_user, review_urls):
    links = nav(home(client, admin_user))
    for name in ("Dashboard", "Review", "Progress", "API docs", "Profile", "Admin"):
        assert f">{name}</a>" in links
