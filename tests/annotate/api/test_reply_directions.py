"""Reply labels toward the parent or the root over the API: each label's ``toward``, the
``?toward=`` filter, and the directions a corpus labels in its detail."""

from __future__ import annotations

import pytest

from annotate.services.corpora import reply_directions_set
from tests.annotate.api.clients import client_for, ids
from tests.annotate.api.test_queries import THROTTLE  # the queries the throttles make
from tests.factories import ReplyLabelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(labelled, corpus, alice):
    """``labelled``, its corpus labelling both directions, with alice's label on c2 toward the
    root beside her label toward the parent."""
    reply_directions_set(corpus=corpus, directions=["parent", "root"])
    root = ReplyLabelFactory(annotator=alice, comment=labelled["c2"], toward="root")
    return {**labelled, "root": root}


def test_it_shows_the_direction_of_each_reply_label(both, rita):
    rows = client_for(rita).get("/api/v1/reply-labels/?annotator=alice").json()["results"]
    assert sorted(r["toward"] for r in rows) == ["parent", "root"]


def test_it_filters_reply_labels_toward_the_root(both, rita):
    response = client_for(rita).get("/api/v1/reply-labels/?toward=root")
    assert response.status_code == 200
    assert ids(response) == {both["root"].pk}


def test_it_filters_reply_labels_toward_the_parent(both, rita):
    response = client_for(rita).get("/api/v1/reply-labels/?toward=parent&corpus=demo")
    expected = {both["reply_labels"][k].pk for k in ("a", "b", "gold")}
    assert ids(response) == expected


def test_it_refuses_a_direction_that_is_neither_with_a_message(both, rita):
    response = client_for(rita).get("/api/v1/reply-labels/?toward=sideways")
    assert response.status_code == 400
    body = response.json()
    assert "toward=sideways is not a direction: use toward=parent" in body["detail"]
    assert list(body["errors"]) == ["toward"]


def test_it_documents_the_toward_filter(rita):
    schema = client_for(rita).get("/api/schema/").json()
    params = schema["paths"]["/api/v1/reply-labels/"]["get"]["parameters"]
    (toward,) = [p for p in params if p["name"] == "toward"]
    assert sorted(toward["schema"]["enum"]) == ["parent", "root"]


def test_it_documents_the_toward_of_a_reply_label(rita):
    schema = client_for(rita).get("/api/schema/").json()
    fields = schema["components"]["schemas"]["ReplyLabel"]["properties"]
    assert "toward" in fields


def test_it_shows_that_a_corpus_labels_toward_the_parent_by_default(labelled, rita):
    body = client_for(rita).get("/api/v1/corpora/demo/").json()
    assert body["reply_directions"] == ["parent"]


def test_it_shows_the_directions_a_corpus_labels(both, rita, django_assert_max_num_queries):
    client = client_for(rita)
    with django_assert_max_num_queries(3 + THROTTLE):
        body = client.get("/api/v1/corpora/demo/").json()
    assert body["reply_directions"] == ["parent", "root"]
