"""Page 1 of one corpus's claims or reply labels costs the same whatever the other corpora hold.

The lists are read in id order through the (corpus, id) indexes (annotate migration 0004):
the database's own plan (EXPLAIN, through ``QuerySet.explain()``) shows it. On PostgreSQL
the plan is run (ANALYZE) and the rows it read are counted: a page and the one row that
tells whether there is a next page, not the other corpus's thousands.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory

from annotate.api.pagination import IdCursorPagination
from annotate.api.views import ClaimListApi, ReplyLabelListApi
from annotate.models import Claim, LabelKind, ReplyLabel
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    CorpusFactory,
    CorpusGrantFactory,
    ReplyLabelFactory,
    UserFactory,
    label,
)
from threads.models import Comment

pytestmark = pytest.mark.django_db

PAGE = IdCursorPagination.page_size
SMALL, LARGE = 120, 8000  # rows of the listed corpus (twice), and of the other one between
ANNOTATORS = 5


def _claims(article, annotators, count: int) -> None:
    corpus = article.corpus
    values = {
        "claim_type": label(corpus, LabelKind.CLAIM_TYPE, "claim"),
        "stance": label(corpus, LabelKind.STANCE, "support"),
        "stance_target": label(corpus, LabelKind.STANCE_TARGET, "thesis"),
        "start": 0,
        "end": 4,
        "quote": article.body[:4],
    }
    Claim.objects.bulk_create(
        ClaimFactory.build(article=article, annotator=annotators[i % ANNOTATORS], **values)
        for i in range(count)
    )


def _reply_labels(article, annotators, count: int) -> None:
    first = article.comments.count()
    comments = Comment.objects.bulk_create(
        CommentFactory.build(article=article, depth=0, position=first + p, text="A comment.")
        for p in range(-(-count // ANNOTATORS))
    )
    reply = label(article.corpus, LabelKind.REPLY_LABEL, "support")
    ReplyLabel.objects.bulk_create(
        ReplyLabelFactory.build(
            comment=comments[i // ANNOTATORS], annotator=annotators[i % ANNOTATORS], label=reply
        )
        for i in range(count)
    )


@pytest.fixture(params=["claims", "reply_labels"])
def listed(request):
    """The list, and the users who read it: a researcher of both corpora, and an admin.

    The listed corpus has rows before and after the other corpus's, many more: a page read
    in id order through the id index walks past all of those before it has 100 rows.
    """
    fill = _claims if request.param == "claims" else _reply_labels
    small, large = CorpusFactory(slug="small"), CorpusFactory(slug="large")
    annotators = [UserFactory() for _ in range(ANNOTATORS)]
    threads = [ArticleFactory(corpus=c, body="Some text.") for c in (small, large)]
    fill(threads[1], annotators, LARGE)
    fill(threads[0], annotators, SMALL)
    fill(threads[1], annotators, LARGE)
    fill(threads[0], annotators, SMALL)
    table = {"claims": "annotate_claim", "reply_labels": "annotate_replylabel"}[request.param]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as an import ends: statistics for the planner
            cursor.execute(f"ANALYZE {table}, threads_comment, threads_article, auth_user")
    researcher = UserFactory(username="rita")
    for corpus in (small, large):
        CorpusGrantFactory(user=researcher, corpus=corpus, role="researcher")
    view, index = {
        "claims": (ClaimListApi, "claim_corpus_id"),
        "reply_labels": (ReplyLabelListApi, "replylabel_corpus_id"),
    }[request.param]
    users = [researcher, UserFactory(username="root", is_staff=True)]
    return {"view": view, "table": table, "index": index, "users": users}


def _page_one(view_class, user, slug: str):
    """The query of page 1 of ``?corpus=slug``, built by the view's own filters and paging."""
    view = view_class()
    request = view.initialize_request(RequestFactory().get("/api/v1/", {"corpus": slug}))
    request.user = user
    view.request, view.args, view.kwargs, view.format_kwarg = request, (), {}, None
    queryset = view.filter_queryset(view.get_queryset())
    return queryset.order_by(IdCursorPagination.ordering)[: PAGE + 1]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN ANALYZE: PostgreSQL")
def test_page_one_of_a_corpus_reads_its_own_rows_alone(listed):
    for user in listed["users"]:
        page = _page_one(listed["view"], user, "small")
        assert len(page) == PAGE + 1

        plan = json.loads(page.explain(format="json", analyze=True))[0]["Plan"]
        if listed["index"] not in json.dumps(plan):
            # Statistics another test's rows left behind (this server has no autovacuum): fresh
            # ones, as the importer takes after a load, then the plan again.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {listed['table']}, threads_article, threads_comment")
            plan = json.loads(page.explain(format="json", analyze=True))[0]["Plan"]

        # The table is read through the corpus's index alone: an ordered Index Scan that
        # stops after the page, or (a small corpus) a bitmap of the corpus's rows, sorted.
        nodes = [n for n in _nodes(plan) if n.get("Relation Name") == listed["table"]]
        nodes += [n for n in _nodes(plan) if n["Node Type"] == "Bitmap Index Scan"]
        assert {n.get("Index Name") for n in nodes} - {None} == {listed["index"]}, user
        assert {n["Node Type"] for n in nodes} <= {
            "Index Scan",
            "Bitmap Heap Scan",
            "Bitmap Index Scan",
        }
        for node in nodes:  # nothing read of the other corpus, estimated or actual
            assert node["Actual Rows"] <= 2 * SMALL
            assert node["Plan Rows"] <= 2 * SMALL + 10
            assert node.get("Rows Removed by Filter", 0) == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's EXPLAIN QUERY PLAN")
def test_page_one_of_a_corpus_is_searched_in_its_index_in_order(listed):
    for user in listed["users"]:
        plan = _page_one(listed["view"], user, "small").explain()

        assert f"SEARCH {listed['table']} USING INDEX {listed['index']} (corpus_id=?)" in plan
        assert "TEMP B-TREE" not in plan  # read in id order, not collected and sorted
