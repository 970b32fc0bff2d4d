"""The agreement page past AGREEMENT_INLINE_THREADS stale threads: one job per corpus computes
them while the page shows the kept figures and polls, then reloads."""

from __future__ import annotations

import pytest

from annotate.jobs.tasks import job_run
from annotate.models import AgreementFigures, Job, JobKind, JobState
from tests.annotate.jobs.conftest import DUMMY_TASKS
from tests.factories import ArticleFactory, ClaimFactory, CommentFactory

URL = "/corpora/demo/agreement/"


@pytest.fixture
def stale(corpus, alice, bob, settings):
    """Three threads with labels, none of their figures kept yet; more than the page computes."""
    settings.AGREEMENT_INLINE_THREADS = 2
    for n in range(3):
        article = ArticleFactory(corpus=corpus, external_id=f"t{n}", body="A thesis.")
        comment = CommentFactory(article=article, text="A reply.")
        ClaimFactory(annotator=alice, article=article)
        ClaimFactory(annotator=bob, article=article, comment=comment)
    return corpus


@pytest.fixture
def queued_only(settings):
    """Jobs wait in the queue (no worker runs them) until the test runs them."""
    settings.TASKS = DUMMY_TASKS


def test_it_computes_a_few_stale_threads_itself(client, corpus, victor, stale, settings):
    settings.AGREEMENT_INLINE_THREADS = 3
    client.force_login(victor)

    content = client.get(URL).content.decode()

    assert "Computing" not in content
    assert not Job.objects.exists()
    assert AgreementFigures.objects.count() == 3


def test_it_hands_many_stale_threads_to_a_job_and_says_so(client, victor, stale, queued_only):
    client.force_login(victor)

    content = client.get(URL).content.decode()

    job = Job.objects.get()
    assert (job.kind, job.corpus.slug, job.state) == (JobKind.AGREEMENT, "demo", JobState.QUEUED)
    assert "Computing…" in content
    assert "The figures of 3 threads changed since they were kept" in content
    assert f'hx-get="{URL}"' in content and 'hx-trigger="every 1s"' in content
    assert not AgreementFigures.objects.exists()


def test_it_enqueues_one_job_per_corpus_however_many_ask(client, victor, rita, stale, queued_only):
    for reader in (victor, rita, victor):
        client.force_login(reader)
        client.get(URL)

    assert Job.objects.filter(kind=JobKind.AGREEMENT).count() == 1


def test_its_poll_shows_the_progress_while_the_job_waits(client, victor, stale, queued_only):
    client.force_login(victor)
    client.get(URL)

    response = client.get(URL, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert content.lstrip().startswith('<section id="agreement-computing"')
    assert "Waiting for a worker" in content
    assert "HX-Refresh" not in response


def test_its_poll_reloads_the_page_once_the_job_is_done(client, victor, stale, queued_only):
    client.force_login(victor)
    client.get(URL)
    job = Job.objects.get()

    job_run.call(job_id=job.pk, attempt=job.attempt)
    response = client.get(URL, HTTP_HX_REQUEST="true")

    assert response["HX-Refresh"] == "true"
    assert AgreementFigures.objects.count() == 3
    content = client.get(URL).content.decode()
    assert "Computing" not in content and "t2" in content


def test_a_job_run_at_once_leaves_the_page_complete(client, victor, stale):
    client.force_login(victor)

    content = client.get(URL).content.decode()

    assert Job.objects.get().state == JobState.SUCCEEDED
    assert "Computing" not in content
    assert AgreementFigures.objects.count() == 3


def test_the_job_says_what_it_computed(victor, stale, queued_only, client):
    client.force_login(victor)
    client.get(URL)
    job = Job.objects.get()

    result = job_run.call(job_id=job.pk, attempt=job.attempt)

    assert result["summary"].startswith("Computed the agreement figures of 3 of the 3 threads")


@pytest.mark.parametrize("htmx", [False, True])
def test_it_reads_in_a_fixed_number_of_queries_while_computing(
    client, victor, stale, queued_only, htmx, django_assert_max_num_queries
):
    client.force_login(victor)
    client.get(URL)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    with django_assert_max_num_queries(20):
        assert client.get(URL, **headers).status_code == 200
