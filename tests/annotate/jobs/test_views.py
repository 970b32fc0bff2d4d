"""The job page: progress polled with htmx, then the summary or the error, Retry and Discard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotate.models import JobState
from annotate.services.jobs import job_enqueue
from tests.annotate.jobs.conftest import beat, jsonl, saved_upload
from tests.factories import ImportJobFactory, UserFactory
from threads.models import Article


def page(client, job, **headers):
    client.force_login(job.created_by)
    return client.get(reverse("annotate:job", args=[job.pk]), **headers)


def running_job(*, seconds_since_beat: float = 0, total: int | None = 10):
    job = ImportJobFactory(state=JobState.RUNNING, started_at=timezone.now() - timedelta(hours=1))
    saved_upload(job, jsonl("t1"))
    beat(job, seconds_ago=seconds_since_beat, done=4, total=total)
    return job


def test_it_shows_a_running_import_with_its_progress_bar(client, db):
    job = running_job()

    content = page(client, job).content.decode()

    assert "Import of threads.jsonl into uploads" in content
    assert '<progress class="job-bar" max="10" value="4"' in content
    assert "4 of 10 threads (40%)" in content


def test_it_polls_while_the_job_runs(client, db):
    job = running_job()

    content = page(client, job).content.decode()

    assert f'hx-get="{reverse("annotate:job", args=[job.pk])}"' in content
    assert 'hx-trigger="every 1s"' in content


def test_it_shows_an_indeterminate_bar_when_the_total_is_not_known(client, db):
    content = page(client, running_job(total=None)).content.decode()

    assert '<progress class="job-bar" aria-label="Running"></progress>' in content
    assert "4 threads so far" in content


def test_its_poll_answers_the_status_fragment_alone(client, db):
    job = running_job()

    response = page(client, job, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert content.lstrip().startswith('<section id="job-status"')
    assert "<html" not in content
    assert "HX-Request" in response["Vary"]


def test_it_stops_polling_once_the_job_succeeded(client, db):
    job = ImportJobFactory()
    saved_upload(job, jsonl("t1"))
    job_enqueue(job)

    content = page(client, job, HTTP_HX_REQUEST="true").content.decode()

    assert "hx-get" not in content
    assert "threads.jsonl into uploads: Imported 1 thread" in content
    assert "See the threads of uploads" in content


def test_it_shows_a_lost_worker_as_failed_with_retry(client, db, settings):
    settings.JOB_LEASE_SECONDS = 30
    job = running_job(seconds_since_beat=120)

    content = page(client, job).content.decode()

    assert "The worker running this job stopped" in content
    assert ">Retry</button>" in content
    assert "hx-get" not in content


def test_retry_runs_the_job_again_and_returns_to_its_page(client, db):
    job = running_job(seconds_since_beat=3600)
    client.force_login(job.created_by)

    response = client.post(reverse("annotate:job-retry", args=[job.pk]))

    assert response["Location"] == reverse("annotate:job", args=[job.pk])
    assert Article.objects.filter(external_id="t1").exists()
    job.refresh_from_db()
    assert (job.state, job.attempt) == (JobState.SUCCEEDED, 2)


def test_retry_of_a_job_that_runs_says_why_not(client, db):
    job = running_job()
    client.force_login(job.created_by)

    response = client.post(reverse("annotate:job-retry", args=[job.pk]), follow=True)

    assert "Only a failed job can be retried" in response.content.decode()


def test_discard_removes_the_upload_of_a_failed_import(client, db):
    job = ImportJobFactory(state=JobState.FAILED, error="Nothing was imported.")
    path = saved_upload(job, jsonl("t1"))
    client.force_login(job.created_by)

    client.post(reverse("annotate:job-discard", args=[job.pk]))

    job.refresh_from_db()
    assert job.state == JobState.DISCARDED and not path.exists()


def test_retry_needs_a_post(client, db):
    job = ImportJobFactory(state=JobState.FAILED)
    client.force_login(job.created_by)

    assert client.get(reverse("annotate:job-retry", args=[job.pk])).status_code == 405


@pytest.mark.parametrize("who", ["another admin", "the starter"])
def test_it_opens_for_admins_and_its_starter(client, db, who):
    job = running_job()
    viewer = UserFactory(is_staff=True) if who == "another admin" else job.created_by
    client.force_login(viewer)

    assert client.get(reverse("annotate:job", args=[job.pk])).status_code == 200


def test_it_is_a_404_for_anyone_else(client, db, charlie):
    job = running_job()
    client.force_login(charlie)

    assert client.get(reverse("annotate:job", args=[job.pk])).status_code == 404
    assert client.post(reverse("annotate:job-retry", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("htmx", [False, True])
def test_it_reads_in_a_fixed_number_of_queries(client, db, htmx, django_assert_max_num_queries):
    job = running_job()
    client.force_login(job.created_by)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    with django_assert_max_num_queries(4):
        client.get(reverse("annotate:job", args=[job.pk]), **headers)


def test_the_admin_lists_jobs_with_a_link_to_each_page(client, db, admin_user):
    job = running_job()
    client.force_login(admin_user)

    content = client.get(reverse("admin:annotate_job_changelist")).content.decode()

    assert reverse("annotate:job", args=[job.pk]) in content
