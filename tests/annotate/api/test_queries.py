"""Every API list and the thread endpoint run a fixed number of queries, whatever the size.

Each test builds the data at two sizes and holds both to the same bound: one
query to authenticate the token, two for the user's grants and assignments,
then the page itself (counts are subqueries of the same query); the label
lists add one for the schema's names, and each label filter one to check the
name it is given; the claims list one for the relations of its page's claims.
"""

from __future__ import annotations

import pytest

from tests.annotate.api.clients import client_for
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CommentFactory,
    RelationFactory,
    ReplyLabelFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [2, 40]

# The API throttles count requests in the shared database cache: DRF's per-user throttle a read,
# then the cache's size check, the key's lookup and the write in a savepoint (Django's
# DatabaseCache); the address throttle ahead of authentication one read. Per request, whatever
# the size of the answer.
THROTTLE = 7


def build(corpus, size):
    """``size`` threads, each with comments, claims by two annotators (the one in the reply
    supporting the one in the article) and reply labels."""
    annotators = [UserFactory(), UserFactory()]
    for _ in range(size):
        article = ArticleFactory(corpus=corpus)
        parent = CommentFactory(article=article)
        reply = CommentFactory(article=article, parent=parent)
        for annotator in annotators:
            AssignmentFactory(annotator=annotator, article=article, status="done")
            answer = ClaimFactory(annotator=annotator, article=article, comment=reply)
            RelationFactory(
                from_claim=answer, to_claim=ClaimFactory(annotator=annotator, article=article)
            )
            ReplyLabelFactory(annotator=annotator, comment=reply)
    return annotators


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_claims_in_a_fixed_number_of_queries(
    corpus, rita, size, django_assert_max_num_queries
):
    build(corpus, size)
    client = client_for(rita)
    with django_assert_max_num_queries(6 + THROTTLE):
        response = client.get("/api/v1/claims/")
    rows = response.json()["results"]
    assert len(rows) == min(4 * size, 100)
    assert sum(len(r["relations"]) for r in rows) == len(rows) // 2


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_filtered_claims_in_a_fixed_number_of_queries(
    corpus, rita, size, django_assert_max_num_queries
):
    build(corpus, size)
    client = client_for(rita)
    with django_assert_max_num_queries(8 + THROTTLE):  # one more for each label name to check
        response = client.get("/api/v1/claims/?stance=support&claim_type=claim&gold=false")
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", ["/api/v1/claims/", "/api/v1/reply-labels/"])
def test_it_lists_one_corpus_in_a_fixed_number_of_queries(
    corpus, rita, size, path, django_assert_max_num_queries
):
    build(corpus, size)
    client = client_for(rita)
    # One more to look the corpus up; claims also read their relations in one query.
    relations = 1 if path == "/api/v1/claims/" else 0
    with django_assert_max_num_queries(6 + relations + THROTTLE):
        response = client.get(path, {"corpus": "demo"})
    assert len(response.json()["results"]) == min((4 if "claims" in path else 2) * size, 100)


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_an_annotators_claims_in_a_fixed_number_of_queries(
    corpus, size, django_assert_max_num_queries
):
    annotator, _ = build(corpus, size)
    client = client_for(annotator)
    with django_assert_max_num_queries(6 + THROTTLE):
        response = client.get("/api/v1/claims/")
    assert len(response.json()["results"]) == min(2 * size, 100)


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_reply_labels_in_a_fixed_number_of_queries(
    corpus, rita, size, django_assert_max_num_queries
):
    build(corpus, size)
    client = client_for(rita)
    with django_assert_max_num_queries(5 + THROTTLE):
        response = client.get("/api/v1/reply-labels/")
    assert len(response.json()["results"]) == min(2 * size, 100)


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_relations_in_a_fixed_number_of_queries(
    corpus, rita, size, django_assert_max_num_queries
):
    build(corpus, size)
    client = client_for(rita)
    with django_assert_max_num_queries(5 + THROTTLE):
        response = client.get("/api/v1/relations/")
    assert len(response.json()["results"]) == min(2 * size, 100)


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_filtered_relations_in_a_fixed_number_of_queries(
    corpus, size, django_assert_max_num_queries
):
    annotator, _ = build(corpus, size)
    client = client_for(annotator)
    with django_assert_max_num_queries(6 + THROTTLE):  # one more for the type name to check
        response = client.get("/api/v1/relations/?type=support&gold=false")
    assert len(response.json()["results"]) == min(size, 100)


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_threads_with_counts_in_a_fixed_number_of_queries(
    corpus, rita, size, django_assert_max_num_queries
):
    build(corpus, size)
    client = client_for(rita)
    with django_assert_max_num_queries(5 + THROTTLE):
        response = client.get("/api/v1/corpora/demo/threads/")
    rows = response.json()["results"]
    assert len(rows) == size
    assert {
        (r["comment_count"], r["claim_count"], r["reply_label_count"], r["progress"]["done"])
        for r in rows
    } == {(2, 4, 2, 2)}


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_corpora_in_a_fixed_number_of_queries(
    corpus, admin_user, size, django_assert_max_num_queries
):
    build(corpus, size)
    client = client_for(admin_user)
    with django_assert_max_num_queries(2 + THROTTLE):
        response = client.get("/api/v1/corpora/")
    assert response.json()[0]["thread_count"] == size


@pytest.mark.parametrize("size", [3, 60])
def test_it_reads_a_thread_in_a_fixed_number_of_queries(
    article, rita, size, django_assert_max_num_queries
):
    parent = None
    for i in range(size):
        parent = CommentFactory(article=article, parent=parent if i % 3 else None)
    client = client_for(rita)
    with django_assert_max_num_queries(3 + THROTTLE):
        response = client.get(f"/api/v1/threads/{article.pk}/")
    assert len(response.json()["comments"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_it_reads_a_corpus_with_its_schema_and_formats_in_a_fixed_number_of_queries(
    corpus, rita, size, django_assert_max_num_queries
):
    build(corpus, size)
    client = client_for(rita)
    # The token, the corpus among those rita may read, its label schema.
    with django_assert_max_num_queries(3 + THROTTLE):
        response = client.get("/api/v1/corpora/demo/")
    assert response.json()["import_formats"]


@pytest.mark.parametrize("size", SIZES)
def test_it_exports_brat_in_a_fixed_number_of_queries(
    corpus, rita, size, django_assert_max_num_queries
):
    build(corpus, size)
    client = client_for(rita)

    # Two throttles (the API's and the export's scope), the corpus and the grant, then the
    # export: the schema, per 200 threads the articles, comments, claims and reply labels,
    # and the query that finds no more articles.
    with django_assert_max_num_queries(2 * THROTTLE + 9):
        response = client.get("/api/v1/corpora/demo/export/?format=brat")
        data = b"".join(response.streaming_content)

    assert response.status_code == 200 and data.startswith(b"PK")
