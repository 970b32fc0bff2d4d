"""The corpus, thread-list and thread endpoints: what they show."""

from __future__ import annotations

import pytest

from annotate.api import views
from annotate.exchange import EXPORT_FORMATS
from tests.annotate.api.clients import client_for
from threads.formats import FORMATS

pytestmark = pytest.mark.django_db


def test_it_shows_a_corpus_with_its_thread_count(labelled, rita):
    (row,) = client_for(rita).get("/api/v1/corpora/").json()
    assert (row["slug"], row["title"], row["thread_count"]) == ("demo", "Demo corpus", 2)


def test_it_shows_a_corpus_with_its_label_schema(labelled, rita):
    body = client_for(rita).get("/api/v1/corpora/demo/").json()
    stances = [v["name"] for v in body["label_schema"] if v["kind"] == "stance"]
    assert stances == ["support", "oppose", "neutral"]


def test_it_lists_the_import_and_export_formats_on_a_corpus_page(labelled, rita):
    body = client_for(rita).get("/api/v1/corpora/demo/").json()
    assert body["import_formats"] == list(FORMATS)
    assert "labelstudio" in body["import_formats"]
    assert body["export_formats"] == ["jsonl", "csv", "convokit", "brat"]


def test_the_export_endpoint_serves_every_export_format_the_corpus_page_lists():
    assert tuple(views.EXPORT_FORMATS) == EXPORT_FORMATS


def test_it_lists_a_thread_with_its_counts_and_progress(labelled, rita):
    labelled["article"].assignments.filter(annotator__username="alice").update(status="done")
    rows = client_for(rita).get("/api/v1/corpora/demo/threads/").json()["results"]
    row = next(r for r in rows if r["id"] == labelled["article"].pk)
    assert row == {
        "id": labelled["article"].pk,
        "external_id": "thread-1",
        "title": "A thread",
        "author": "",
        "url": "",
        "published_at": None,
        "comment_count": 4,
        "claim_count": 5,
        "reply_label_count": 3,
        "progress": {"done": 1, "total": 2},
    }


def test_it_shows_a_thread_with_its_comments_in_display_order(labelled, rita):
    body = client_for(rita).get(f"/api/v1/threads/{labelled['article'].pk}/").json()
    shape = [
        (c["external_id"], c["parent_external_id"], c["depth"], c["position"])
        for c in body["comments"]
    ]
    assert shape == [("c1", None, 0, 0), ("c2", "c1", 1, 1), ("c3", "c2", 2, 2), ("c4", None, 0, 3)]


def test_it_shows_each_comment_with_ids_author_and_text(labelled, rita):
    body = client_for(rita).get(f"/api/v1/threads/{labelled['article'].pk}/").json()
    c3 = body["comments"][2]
    assert (c3["id"], c3["parent_id"], c3["text"], c3["author"]) == (
        labelled["c3"].pk,
        labelled["c2"].pk,
        "Deeper 𝕏 reply.",
        labelled["c3"].author,
    )


def test_it_shows_the_article_of_a_thread(labelled, rita):
    body = client_for(rita).get(f"/api/v1/threads/{labelled['article'].pk}/").json()
    assert (body["corpus"], body["external_id"], body["title"], body["body"]) == (
        "demo",
        "thread-1",
        "A thread",
        "Thesis 🚀 here.",
    )
