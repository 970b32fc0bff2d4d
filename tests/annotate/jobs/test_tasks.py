"""The job task and the services around it: start, outcome, retry, discard, a lost worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotate.jobs import runners
from annotate.jobs.tasks import job_run
from annotate.models import Job, JobKind, JobState
from annotate.selectors.jobs import job_status
from annotate.services.jobs import JobError, job_discard, job_enqueue, job_retry
from tests.annotate.jobs.conftest import beat, jsonl, saved_upload
from tests.factories import ImportJobFactory
from threads.formats.records import FormatError
from threads.models import Article


def test_it_imports_the_upload_and_keeps_the_summary(import_job):
    job_enqueue(import_job)

    import_job.refresh_from_db()
    assert import_job.state == JobState.SUCCEEDED
    assert import_job.result["summary"].startswith("threads.jsonl into uploads: Imported 2 threads")
    assert import_job.corpus.slug == "uploads"
    assert Article.objects.filter(corpus__slug="uploads").count() == 2


def test_it_records_the_task_that_ran_the_attempt(import_job):
    job_enqueue(import_job)

    import_job.refresh_from_db()
    assert import_job.task_id


def test_it_records_a_format_error_naming_the_file_and_line(db):
    job = ImportJobFactory()
    saved_upload(job, jsonl("t1") + b"{broken\n")

    job_enqueue(job)

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.startswith("Nothing was imported. threads.jsonl, line 2")
    assert not Article.objects.exists()


def test_it_runs_only_the_attempt_the_job_is_at(import_job):
    Job.objects.filter(pk=import_job.pk).update(attempt=2)

    assert job_run.call(job_id=import_job.pk, attempt=1) is None

    import_job.refresh_from_db()
    assert import_job.state == JobState.QUEUED
    assert not Article.objects.exists()


def test_it_does_not_run_a_discarded_job(import_job):
    job_discard(job=import_job)

    assert job_run.call(job_id=import_job.pk, attempt=1) is None
    assert not Article.objects.exists()


def test_a_retry_runs_the_next_attempt_from_the_kept_upload(import_job, monkeypatch):
    real = runners.threads_import_upload

    def busy_once(**kwargs):
        monkeypatch.setattr(runners, "threads_import_upload", real)
        raise FormatError("nothing was imported: the database refused the import (busy)")

    monkeypatch.setattr(runners, "threads_import_upload", busy_once)
    job_enqueue(import_job)
    import_job.refresh_from_db()
    assert import_job.state == JobState.FAILED

    job = job_retry(job=import_job)

    assert (job.state, job.attempt, job.error) == (JobState.SUCCEEDED, 2, "")
    assert Article.objects.filter(corpus__slug="uploads").count() == 2


def test_it_refuses_to_retry_a_job_that_did_not_fail(import_job):
    job_enqueue(import_job)
    import_job.refresh_from_db()

    with pytest.raises(JobError, match="Only a failed job can be retried"):
        job_retry(job=import_job)


def test_it_refuses_to_retry_an_import_whose_upload_is_gone(db):
    job = ImportJobFactory(state=JobState.FAILED, error="busy")

    with pytest.raises(JobError, match="The uploaded file threads.jsonl is gone"):
        job_retry(job=job)


def test_discarding_a_failed_import_removes_its_upload(db):
    job = ImportJobFactory(state=JobState.FAILED, error="busy")
    path = saved_upload(job, jsonl("t1"))

    job_discard(job=job)

    assert Job.objects.get().state == JobState.DISCARDED
    assert not path.parent.exists()


def test_it_refuses_to_discard_a_running_job(db):
    job = ImportJobFactory(state=JobState.RUNNING, started_at=timezone.now())
    beat(job, seconds_ago=0)

    with pytest.raises(JobError, match="this one is running"):
        job_discard(job=job)


# --- a worker killed mid-job ------------------------------------------------------------------


def test_a_running_job_with_a_fresh_heartbeat_is_running(db):
    job = ImportJobFactory(state=JobState.RUNNING, started_at=timezone.now() - timedelta(hours=1))
    beat(job, seconds_ago=1)

    status = job_status(job)

    assert (status.state, status.lost_since) == (JobState.RUNNING, None)
    assert (status.progress.done, status.progress.total, status.progress.percent) == (3, 10, 30)


def test_a_running_job_whose_heartbeat_stopped_shows_as_failed(db, settings):
    settings.JOB_LEASE_SECONDS = 30
    job = ImportJobFactory(state=JobState.RUNNING, started_at=timezone.now() - timedelta(hours=1))
    beat(job, seconds_ago=31)

    status = job_status(job)

    assert status.state == JobState.FAILED
    assert status.error.startswith("The worker running this job stopped: nothing heard from it")
    assert "more than 30 s ago (JOB_LEASE_SECONDS)" in status.error
    assert status.can_retry


def test_a_running_job_that_never_beat_is_lost_after_the_lease_from_its_start(db, settings):
    settings.JOB_LEASE_SECONDS = 30
    job = ImportJobFactory(state=JobState.RUNNING, started_at=timezone.now() - timedelta(minutes=1))

    assert job_status(job).state == JobState.FAILED


def test_a_heartbeat_of_an_earlier_attempt_does_not_count(db):
    job = ImportJobFactory(
        state=JobState.RUNNING, attempt=2, started_at=timezone.now() - timedelta(hours=1)
    )
    beat(job, seconds_ago=0)
    Job.objects.filter(pk=job.pk).update(attempt=3)
    job.refresh_from_db()

    assert job_status(job).state == JobState.FAILED


def test_a_job_whose_worker_was_lost_can_be_retried(db):
    job = ImportJobFactory(state=JobState.RUNNING, started_at=timezone.now() - timedelta(hours=1))
    saved_upload(job, jsonl("t1"))
    beat(job, seconds_ago=3600)

    job = job_retry(job=job)

    assert (job.state, job.attempt) == (JobState.SUCCEEDED, 2)
    assert Article.objects.filter(external_id="t1").exists()


def test_a_lost_worker_coming_back_changes_nothing(db):
    job = ImportJobFactory(state=JobState.RUNNING, started_at=timezone.now() - timedelta(hours=1))
    saved_upload(job, jsonl("t1"))
    job_retry(job=job)  # attempt 2 ran and succeeded

    assert job_run.call(job_id=job.pk, attempt=1) is None
    assert Job.objects.get().attempt == 2


# --- agreement -------------------------------------------------------------------------------


def test_the_database_keeps_one_agreement_job_per_corpus_at_a_time(corpus):
    Job.objects.create(kind=JobKind.AGREEMENT, corpus=corpus)

    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind=JobKind.AGREEMENT, corpus=corpus, state=JobState.RUNNING)


def test_the_database_refuses_an_agreement_job_without_a_corpus(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind=JobKind.AGREEMENT)
