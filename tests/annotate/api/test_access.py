"""Who reads what over the API: admin, researcher granted / not granted, reviewer,
annotator, outsider, anonymous — for every endpoint."""

from __future__ import annotations

import pytest

from tests.annotate.api.clients import client_for, ids
from tests.factories import CorpusGrantFactory, UserFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/corpora/", "/api/v1/claims/", "/api/v1/relations/", "/api/v1/reply-labels/"]


def claim_ids(labelled, *names):
    return {labelled["claims"][n].pk for n in names}


def reply_label_ids(labelled, *names):
    return {labelled["reply_labels"][n].pk for n in names}


# --- anonymous and wrong tokens ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        *LISTS,
        "/api/v1/corpora/demo/",
        "/api/v1/corpora/demo/threads/",
        "/api/v1/corpora/demo/export/",
        "/api/v1/threads/1/",
        "/api/schema/",
    ],
)
def test_it_answers_anonymous_requests_with_a_json_401(labelled, url):
    response = client_for(None).get(url)
    assert response.status_code == 401
    assert "json" in response["Content-Type"]
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_it_answers_a_wrong_token_with_a_json_401(labelled):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_it_answers_a_revoked_token_with_a_json_401(labelled, rita, client):
    old = client_for(rita)
    client.force_login(rita)
    client.post("/profile/")
    response = old.get("/api/v1/claims/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_it_accepts_a_session_sign_in(labelled, rita, client):
    client.force_login(rita)
    response = client.get("/api/v1/corpora/")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()] == ["demo"]


# --- corpora ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "slugs"),
    [
        ("admin_user", ["demo", "other"]),
        ("rita", ["demo"]),
        ("victor", ["demo"]),
        ("alice", ["demo"]),
        ("charlie", []),
    ],
)
def test_it_lists_the_corpora_each_user_may_read(labelled, request, who, slugs):
    response = client_for(request.getfixturevalue(who)).get("/api/v1/corpora/")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()] == slugs


@pytest.mark.parametrize(("who", "status"), [("admin_user", 200), ("rita", 200), ("charlie", 404)])
def test_it_shows_a_corpus_only_to_those_who_may_read_it(labelled, request, who, status):
    response = client_for(request.getfixturevalue(who)).get("/api/v1/corpora/demo/")
    assert response.status_code == status


def test_it_shows_an_annotator_the_corpus_of_their_assignments(labelled, alice):
    assert client_for(alice).get("/api/v1/corpora/demo/").status_code == 200


def test_it_shows_a_reviewer_their_corpus(labelled, victor):
    assert client_for(victor).get("/api/v1/corpora/demo/").status_code == 200


def test_it_answers_a_hidden_corpus_like_a_missing_one(labelled, rita):
    client = client_for(rita)
    hidden = client.get("/api/v1/corpora/other/")
    missing = client.get("/api/v1/corpora/no-such-corpus/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_it_lets_a_researcher_read_a_corpus_once_granted(labelled, rita):
    CorpusGrantFactory(user=rita, corpus=labelled["other"], role="researcher")
    response = client_for(rita).get("/api/v1/corpora/")
    assert [c["slug"] for c in response.json()] == ["demo", "other"]


# --- threads ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin_user", "rita", "victor"])
def test_it_lists_every_thread_of_the_corpus_to_admins_reviewers_and_researchers(
    labelled, request, who
):
    response = client_for(request.getfixturevalue(who)).get("/api/v1/corpora/demo/threads/")
    assert ids(response) == {labelled["article"].pk, labelled["unassigned"].pk}


def test_it_lists_only_assigned_threads_to_an_annotator(labelled, alice):
    response = client_for(alice).get("/api/v1/corpora/demo/threads/")
    assert ids(response) == {labelled["article"].pk}


def test_it_counts_only_an_annotators_own_labels_in_the_thread_list(labelled, alice):
    (row,) = client_for(alice).get("/api/v1/corpora/demo/threads/").json()["results"]
    assert (row["claim_count"], row["reply_label_count"]) == (3, 1)


@pytest.mark.parametrize("who", ["charlie", "rita"])
def test_it_hides_the_threads_of_a_corpus_the_user_cannot_read(labelled, request, who):
    response = client_for(request.getfixturevalue(who)).get("/api/v1/corpora/other/threads/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("who", "which", "status"),
    [
        ("admin_user", "o_article", 200),
        ("rita", "article", 200),
        ("rita", "unassigned", 200),
        ("rita", "o_article", 404),
        ("victor", "unassigned", 200),
        ("alice", "article", 200),
        ("alice", "unassigned", 404),
        ("charlie", "article", 404),
    ],
)
def test_it_shows_a_thread_only_to_those_who_may_read_it(labelled, request, who, which, status):
    user = request.getfixturevalue(who)
    response = client_for(user).get(f"/api/v1/threads/{labelled[which].pk}/")
    assert response.status_code == status


def test_it_answers_a_hidden_thread_like_a_missing_one(labelled, rita):
    client = client_for(rita)
    hidden = client.get(f"/api/v1/threads/{labelled['o_article'].pk}/")
    missing = client.get("/api/v1/threads/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# --- claims and reply labels ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "names"),
    [
        ("admin_user", ["a_body", "a_c1", "a_c2", "b_c1", "gold", "u_claim", "o_claim"]),
        ("rita", ["a_body", "a_c1", "a_c2", "b_c1", "gold", "u_claim"]),
        ("victor", ["a_body", "a_c1", "a_c2", "b_c1", "gold", "u_claim"]),
        ("alice", ["a_body", "a_c1", "a_c2"]),
        ("bob", ["b_c1"]),
        ("charlie", []),
    ],
)
def test_it_lists_the_claims_each_user_may_read(labelled, request, who, names):
    response = client_for(request.getfixturevalue(who)).get("/api/v1/claims/")
    assert response.status_code == 200
    assert ids(response) == claim_ids(labelled, *names)


@pytest.mark.parametrize(
    ("who", "names"),
    [
        ("admin_user", ["a", "b", "gold", "o"]),
        ("rita", ["a", "b", "gold"]),
        ("victor", ["a", "b", "gold"]),
        ("alice", ["a"]),
        ("charlie", []),
    ],
)
def test_it_lists_the_reply_labels_each_user_may_read(labelled, request, who, names):
    response = client_for(request.getfixturevalue(who)).get("/api/v1/reply-labels/")
    assert response.status_code == 200
    assert ids(response) == reply_label_ids(labelled, *names)


def test_it_hides_an_annotators_claims_on_a_thread_no_longer_assigned(labelled, alice):
    alice.assignments.all().delete()
    assert ids(client_for(alice).get("/api/v1/claims/")) == set()


# --- exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("admin_user", 200), ("rita", 200), ("victor", 200)])
def test_it_lets_admins_reviewers_and_researchers_export(labelled, request, who, status):
    response = client_for(request.getfixturevalue(who)).get("/api/v1/corpora/demo/export/")
    assert response.status_code == status


def test_it_refuses_an_export_to_an_annotator_with_a_json_403(labelled, alice):
    response = client_for(alice).get("/api/v1/corpora/demo/export/")
    assert response.status_code == 403
    assert "researchers" in response.json()["detail"]


@pytest.mark.parametrize("who", ["charlie", "rita"])
def test_it_hides_the_export_of_a_corpus_the_user_cannot_read(labelled, request, who):
    response = client_for(request.getfixturevalue(who)).get("/api/v1/corpora/other/export/")
    assert response.status_code == 404


# --- writes -----------------------------------------------------------------------------------


WRITE_URLS = [
    "/api/v1/corpora/",
    "/api/v1/corpora/demo/",
    "/api/v1/corpora/demo/threads/",
    "/api/v1/corpora/demo/export/",
    "/api/v1/claims/",
    "/api/v1/reply-labels/",
]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", WRITE_URLS)
def test_it_refuses_a_researchers_writes_with_json(labelled, rita, method, url):
    response = getattr(client_for(rita), method)(url, {"title": "x"}, format="json")
    assert response.status_code in (403, 405)
    assert response.json()["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_refuses_an_admins_writes_to_a_claim(labelled, admin_user, method):
    response = getattr(client_for(admin_user), method)("/api/v1/claims/", {}, format="json")
    assert response.status_code in (403, 405)


def test_it_refuses_a_thread_write(labelled, admin_user):
    response = client_for(admin_user).delete(f"/api/v1/threads/{labelled['article'].pk}/")
    assert response.status_code in (403, 405)
    assert labelled["article"].__class__.objects.filter(pk=labelled["article"].pk).exists()


def test_it_lets_a_user_without_any_role_read_nothing(labelled):
    nobody = UserFactory(username="nobody")
    assert client_for(nobody).get("/api/v1/claims/").json()["results"] == []


def test_it_shows_an_annotator_who_is_also_a_researcher_both_sets(labelled):
    dave = labelled["dave"]
    CorpusGrantFactory(user=dave, corpus=labelled["article"].corpus, role="researcher")
    response = client_for(dave).get("/api/v1/claims/")
    expected = claim_ids(labelled, "a_body", "a_c1", "a_c2", "b_c1", "gold", "u_claim", "o_claim")
    assert ids(response) == expected
