"""Cursor pagination of the long lists: stable while rows are added, links to follow."""

from __future__ import annotations

import pytest

from tests.annotate.api.clients import client_for
from tests.factories import ArticleFactory, ClaimFactory, ReplyLabelFactory

pytestmark = pytest.mark.django_db


def page_ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def claims(article, rita):
    return [ClaimFactory(article=article) for _ in range(5)]


def test_it_pages_claims_in_id_order(claims, rita):
    response = client_for(rita).get("/api/v1/claims/?page_size=2")
    assert page_ids(response) == [c.pk for c in claims[:2]]


def test_it_links_to_the_next_page(claims, rita):
    client = client_for(rita)
    first = client.get("/api/v1/claims/?page_size=2").json()
    second = client.get(first["next"])
    assert page_ids(second) == [c.pk for c in claims[2:4]]


def test_it_ends_with_no_next_link(claims, rita):
    response = client_for(rita).get("/api/v1/claims/?page_size=10")
    assert response.json()["next"] is None


def test_it_keeps_pages_stable_while_claims_are_added(claims, article, rita):
    client = client_for(rita)
    page = client.get("/api/v1/claims/?page_size=2").json()
    seen = [row["id"] for row in page["results"]]
    added = [ClaimFactory(article=article) for _ in range(3)]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]
    assert seen == [c.pk for c in claims + added]


def test_it_skips_nothing_when_a_claim_already_read_is_deleted(claims, rita):
    client = client_for(rita)
    page = client.get("/api/v1/claims/?page_size=2").json()
    seen = [row["id"] for row in page["results"]]
    expected = [c.pk for c in claims]
    claims[0].delete()
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]
    assert seen == expected


def test_it_pages_back_with_the_previous_link(claims, rita):
    client = client_for(rita)
    first = client.get("/api/v1/claims/?page_size=2").json()
    second = client.get(first["next"]).json()
    assert page_ids(client.get(second["previous"])) == [c.pk for c in claims[:2]]


def test_it_serves_a_hundred_rows_a_page_by_default(article, rita):
    ClaimFactory.create_batch(101, article=article)
    response = client_for(rita).get("/api/v1/claims/")
    assert len(response.json()["results"]) == 100


def test_it_keeps_the_filters_in_the_next_link(article, rita):
    ClaimFactory.create_batch(3, article=article, is_gold=True)
    ClaimFactory.create_batch(3, article=article)
    client = client_for(rita)
    first = client.get("/api/v1/claims/?gold=true&page_size=2").json()
    second = client.get(first["next"]).json()
    assert "gold=true" in first["next"]
    assert len(second["results"]) == 1


def test_it_pages_reply_labels(thread, rita):
    labels = [ReplyLabelFactory(comment=thread[c]) for c in ("c1", "c2", "c3")]
    client = client_for(rita)
    first = client.get("/api/v1/reply-labels/?page_size=2").json()
    second = client.get(first["next"]).json()
    assert [r["id"] for r in first["results"] + second["results"]] == [r.pk for r in labels]


def test_it_pages_the_thread_list(corpus, rita):
    articles = ArticleFactory.create_batch(3, corpus=corpus)
    client = client_for(rita)
    first = client.get("/api/v1/corpora/demo/threads/?page_size=2").json()
    second = client.get(first["next"]).json()
    assert [r["id"] for r in first["results"] + second["results"]] == [a.pk for a in articles]
