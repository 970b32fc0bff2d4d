"""The lead's progress view: who may see it, the matrix, totals, review, chart, CSV, queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from annotate.models import AnnotationEvent, ReviewStatus, ThreadReview
from annotate.progress import views
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CommentFactory,
    CorpusFactory,
    CorpusGrantFactory,
    ReplyLabelFactory,
    UserFactory,
)

HX = {"HTTP_HX_REQUEST": "true"}


def url(corpus, **query):
    base = reverse("annotate:progress", args=[corpus.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def labelled(thread, alice, bob, corpus):
    """alice: claims in c1 (two) and c2, a reply label on c1 and c3, done; bob: nothing yet."""
    article = thread["article"]
    for user in (alice, bob):
        CorpusGrantFactory(user=user, corpus=corpus, role="annotator")
    ClaimFactory(annotator=alice, article=article, comment=thread["c1"])
    ClaimFactory(annotator=alice, article=article, comment=thread["c1"], start=1)
    ClaimFactory(annotator=alice, article=article, comment=thread["c2"])
    ClaimFactory(annotator=alice, article=article)  # the article body is not a comment
    ReplyLabelFactory(annotator=alice, comment=thread["c1"])
    ReplyLabelFactory(annotator=alice, comment=thread["c3"])
    article.assignments.filter(annotator=alice).update(status="done")
    return thread


def grid(response):
    """{(thread external id, username): cell text} from the rendered matrix."""
    return response.context["rows"]


# --- Who may see it ----------------------------------------------------------------------------


def test_it_shows_the_progress_to_an_admin(as_admin, corpus):
    assert as_admin.get(url(corpus)).status_code == 200


def test_it_shows_the_progress_to_a_reviewer_of_the_corpus(client, victor, corpus):
    client.force_login(victor)
    assert client.get(url(corpus)).status_code == 200


def test_it_hides_the_progress_from_a_reviewer_of_another_corpus(client, corpus):
    other = UserFactory(username="olga")
    CorpusGrantFactory(user=other, corpus=CorpusFactory(), role="reviewer")
    client.force_login(other)
    assert client.get(url(corpus)).status_code == 404


@pytest.mark.parametrize("who", ["alice", "rita", "charlie"])
def test_it_hides_the_progress_from_annotators_researchers_and_outsiders(
    client, corpus, thread, rita, charlie, who
):
    user = {"alice": thread["article"].assignments.first().annotator, "rita": rita}.get(
        who, charlie
    )
    CorpusGrantFactory(user=user, corpus=corpus, role="annotator")
    client.force_login(user)
    assert client.get(url(corpus)).status_code == 404


def test_it_sends_a_signed_out_visitor_to_sign_in(client, corpus):
    response = client.get(url(corpus))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_answers_404_for_a_corpus_that_does_not_exist(as_admin, db):
    assert as_admin.get(reverse("annotate:progress", args=["nope"])).status_code == 404


# --- The matrix --------------------------------------------------------------------------------


def test_it_counts_a_comment_labelled_by_a_claim_or_a_reply_label_once(as_admin, labelled):
    rows = as_admin.get(url(labelled["article"].corpus)).context["rows"]
    alice_cell, bob_cell = rows[0].cells
    assert (alice_cell.status, alice_cell.labelled) == ("done", 3)
    assert (bob_cell.status, bob_cell.labelled) == ("todo", 0)


def test_it_shows_each_cell_as_status_and_labelled_of_all_comments(as_admin, labelled):
    body = as_admin.get(url(labelled["article"].corpus)).content.decode()
    assert "3 / 4" in body and "0 / 4" in body


def test_it_lists_the_annotators_as_columns_by_name(as_admin, labelled):
    response = as_admin.get(url(labelled["article"].corpus))
    assert [u.username for u in response.context["annotators"]] == ["alice", "bob"]


def test_it_shows_an_annotator_granted_but_not_yet_assigned(as_admin, corpus, article):
    CorpusGrantFactory(user=UserFactory(username="dora"), corpus=corpus, role="annotator")
    response = as_admin.get(url(corpus))
    assert [u.username for u in response.context["annotators"]] == ["dora"]
    assert 'aria-label="not assigned"' in response.content.decode()


def test_it_escapes_thread_titles(as_admin, corpus):
    ArticleFactory(corpus=corpus, title="<script>alert(1)</script>")
    body = as_admin.get(url(corpus)).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


def test_it_shows_the_review_status_of_each_thread(as_admin, labelled):
    ThreadReview.objects.create(article=labelled["article"], status=ReviewStatus.IN_REVIEW)
    rows = as_admin.get(url(labelled["article"].corpus)).context["rows"]
    assert rows[0].review_status == "in_review"


def test_it_pages_the_matrix(as_admin, corpus, monkeypatch):
    monkeypatch.setattr(views, "THREADS_PER_PAGE", 2)
    for i in range(5):
        ArticleFactory(corpus=corpus, external_id=f"t{i}")
    response = as_admin.get(url(corpus, page=3))
    assert [r.external_id for r in response.context["rows"]] == ["t4"]
    assert "Threads 5–5 of 5" in response.content.decode()


def test_it_returns_only_the_matrix_to_htmx(as_admin, labelled):
    response = as_admin.get(url(labelled["article"].corpus), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="matrix"' in body and "<html" not in body and "Labels per day" not in body


def test_it_links_each_page_with_href_and_hx_get(as_admin, corpus, monkeypatch):
    monkeypatch.setattr(views, "THREADS_PER_PAGE", 1)
    ArticleFactory.create_batch(2, corpus=corpus)
    body = as_admin.get(url(corpus)).content.decode()
    assert f'href="{url(corpus)}?page=2" hx-get="{url(corpus)}?page=2"' in body


# --- Totals, review, chart ---------------------------------------------------------------------


def test_it_totals_each_annotators_threads_claims_and_reply_labels(as_admin, labelled):
    totals = as_admin.get(url(labelled["article"].corpus)).context["overview"].annotators
    alice = next(t for t in totals if t.username == "alice")
    assert (alice.done, alice.assigned, alice.claims, alice.reply_labels) == (1, 1, 4, 2)


def test_it_counts_active_hours_as_distinct_hours_with_events(as_admin, labelled, alice):
    article = labelled["article"]
    base = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    for minutes in (1, 20, 59, 61, 200):  # hours 0, 0, 0, 1, 3
        event = AnnotationEvent.objects.create(
            actor=alice, action="create", object_type="claim", object_id=1, article_id=article.pk
        )
        AnnotationEvent.objects.filter(pk=event.pk).update(
            created_at=base + dt.timedelta(minutes=minutes)
        )
    totals = as_admin.get(url(article.corpus)).context["overview"].annotators
    alice_totals = next(t for t in totals if t.username == "alice")
    assert alice_totals.active_hours == 3
    assert alice_totals.labels_per_hour == pytest.approx(6 / 3)
    assert alice_totals.last_active == base + dt.timedelta(minutes=200)


def test_it_says_what_active_time_means(as_admin, labelled):
    body = as_admin.get(url(labelled["article"].corpus)).content.decode()
    assert "distinct clock hours (UTC)" in body


def test_it_counts_the_reviewed_threads(as_admin, corpus, admin_user):
    articles = ArticleFactory.create_batch(4, corpus=corpus)
    ThreadReview.objects.create(article=articles[0], status=ReviewStatus.REVIEWED)
    ThreadReview.objects.create(article=articles[1], status=ReviewStatus.IN_REVIEW)
    overview = as_admin.get(url(corpus)).context["overview"]
    assert overview.review == {"reviewed": 1, "in_review": 1, "unreviewed": 2}


def test_it_draws_labels_per_day_including_days_without_any(as_admin, labelled, alice):
    article = labelled["article"]
    old = ClaimFactory(annotator=alice, article=article, comment=labelled["c4"])
    old.created_at = timezone.now() - dt.timedelta(days=2)
    old.save()
    response = as_admin.get(url(article.corpus))
    days = response.context["overview"].days
    assert [d.labels for d in days] == [1, 0, 6]
    assert response.content.decode().count('<rect class="bar-claims"') == 3


def test_it_says_so_when_there_are_no_labels(as_admin, corpus):
    assert "No labels yet." in as_admin.get(url(corpus)).content.decode()


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_it_streams_the_matrix_as_csv(as_admin, labelled):
    response = as_admin.get(url(labelled["article"].corpus, format="csv"))
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="demo-progress.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [
        "thread_id",
        "title",
        "comments",
        "review_status",
        "alice status",
        "alice labelled",
        "bob status",
        "bob labelled",
    ]
    assert rows[1] == ["thread-1", "A thread", "4", "unreviewed", "done", "3", "todo", "0"]


def test_it_puts_every_thread_in_the_csv_whatever_the_page_size(as_admin, corpus, monkeypatch):
    monkeypatch.setattr(views, "THREADS_PER_PAGE", 2)
    for i in range(5):
        ArticleFactory(corpus=corpus, external_id=f"t{i}")
    rows = read_csv(as_admin.get(url(corpus, format="csv")))
    assert [r[0] for r in rows[1:]] == ["t0", "t1", "t2", "t3", "t4"]


def test_it_keeps_a_title_from_running_as_a_spreadsheet_formula(as_admin, corpus):
    ArticleFactory(corpus=corpus, external_id="t1", title='=HYPERLINK("http://x","y")')
    rows = read_csv(as_admin.get(url(corpus, format="csv")))
    assert rows[1][1] == '\'=HYPERLINK("http://x","y")'


def test_it_hides_the_csv_from_an_annotator(client, labelled, alice):
    client.force_login(alice)
    assert client.get(url(labelled["article"].corpus, format="csv")).status_code == 404


# --- Queries -----------------------------------------------------------------------------------


def build(corpus, threads: int, annotators: int) -> None:
    users = [UserFactory(username=f"ann{i}") for i in range(annotators)]
    for user in users:
        CorpusGrantFactory(user=user, corpus=corpus, role="annotator")
    for t in range(threads):
        article = ArticleFactory(corpus=corpus, external_id=f"q{t:03d}")
        comments = [CommentFactory(article=article, position=i) for i in range(3)]
        ThreadReview.objects.create(article=article, status=ReviewStatus.REVIEWED)
        for user in users:
            AssignmentFactory(annotator=user, article=article, status="in_progress")
            ClaimFactory(annotator=user, article=article, comment=comments[0])
            ReplyLabelFactory(annotator=user, comment=comments[1])
            AnnotationEvent.objects.create(
                actor=user, action="create", object_type="claim", object_id=1, article_id=article.pk
            )


@pytest.mark.parametrize(("threads", "annotators"), [(2, 2), (12, 4)])
def test_it_reads_the_page_in_a_constant_number_of_queries(
    as_admin, corpus, django_assert_max_num_queries, threads, annotators
):
    build(corpus, threads, annotators)
    with django_assert_max_num_queries(15):
        response = as_admin.get(url(corpus))
    assert len(response.context["rows"]) == threads


@pytest.mark.parametrize(("threads", "annotators"), [(2, 2), (12, 4)])
def test_it_reads_the_matrix_fragment_in_a_constant_number_of_queries(
    as_admin, corpus, django_assert_max_num_queries, threads, annotators
):
    build(corpus, threads, annotators)
    with django_assert_max_num_queries(9):
        response = as_admin.get(url(corpus), **HX)
    assert response.content.decode().count('<tr id="thread-') == threads


@pytest.mark.parametrize(("threads", "annotators"), [(2, 2), (12, 4)])
def test_it_streams_the_csv_in_a_constant_number_of_queries(
    as_admin, corpus, django_assert_max_num_queries, threads, annotators
):
    build(corpus, threads, annotators)
    with django_assert_max_num_queries(9):
        rows = read_csv(as_admin.get(url(corpus, format="csv")))
    assert len(rows) == threads + 1
