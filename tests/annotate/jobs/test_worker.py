"""Jobs through django-tasks-db's real queue and ``manage.py db_worker``, and a worker killed
mid-import (PostgreSQL: a worker process needs a database another process can reach)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from annotate.jobs.progress import job_folder, progress_read
from annotate.models import JobState
from annotate.selectors.jobs import job_status
from annotate.services.jobs import job_enqueue, job_retry
from tests.annotate.jobs.conftest import jsonl, saved_upload
from tests.factories import ImportJobFactory
from threads.models import Article, Corpus

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
MANAGE = Path(django_settings.BASE_DIR) / "manage.py"


@pytest.fixture
def queue(settings):
    """The real queue: a task is a row of django-tasks-db's table until a worker runs it."""
    settings.TASKS = DATABASE_TASKS


def run_worker_once() -> None:
    """``db_worker --batch``: run every waiting task, then stop."""
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )


def test_an_enqueued_job_waits_in_the_database_for_a_worker(transactional_db, queue):
    job = ImportJobFactory()
    saved_upload(job, jsonl("t1"))

    job_enqueue(job)

    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    task = DBTaskResult.objects.get(id=job.task_id)
    assert (task.status, task.args_kwargs["kwargs"]) == ("READY", {"job_id": job.pk, "attempt": 1})


def test_db_worker_runs_the_import_job(transactional_db, queue):
    job = ImportJobFactory()
    saved_upload(job, jsonl("t1", "t2"))
    job_enqueue(job)

    run_worker_once()

    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert Article.objects.filter(corpus__slug="uploads").count() == 2
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def test_db_worker_records_a_failed_import_on_the_job_and_the_task(transactional_db, queue):
    job = ImportJobFactory()
    saved_upload(job, jsonl("t1", parent_of_b="gone"))
    job_enqueue(job)

    run_worker_once()

    job.refresh_from_db()
    assert job.state == JobState.FAILED and "gone" in job.error
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"


# --- a worker killed with SIGKILL mid-import ---------------------------------------------------


def big_jsonl(path: Path, *, threads: int, comments: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for t in range(threads):
            rows = [
                {"id": f"c{i}", "parent_id": f"c{i - 1}" if i % 5 else None, "text": f"Reply {i}."}
                for i in range(comments)
            ]
            line = {"id": f"t{t}", "title": f"T{t}", "body": "The article.", "comments": rows}
            out.write(json.dumps(line) + "\n")


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for(condition, *, seconds: float, what: str):
    """Poll ``condition`` until it is truthy; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process needs a server")
def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_failed_with_retry(
    transactional_db, queue, settings, client
):
    settings.JOB_LEASE_SECONDS = 2
    job = ImportJobFactory()
    folder = job_folder(job.pk)
    folder.mkdir(parents=True)
    big_jsonl(folder / job.file_name, threads=200, comments=200)  # 40,000 comments: 8 batches
    job_enqueue(job)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "JOBS_ROOT": str(settings.JOBS_ROOT),
        "JOB_LEASE_SECONDS": "2",
    }
    worker = subprocess.Popen(
        [sys.executable, str(MANAGE), "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        env=env,
        cwd=MANAGE.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Killed once it has written some batches (inside its one transaction), before the end.
        progress = wait_for(
            lambda: (p := progress_read(folder)) and p.done > 0 and p,
            seconds=120,
            what="the worker's first batch",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert progress.done < progress.total  # it was mid-import

    assert not Corpus.objects.filter(slug="uploads").exists()
    assert not Article.objects.exists()
    job.refresh_from_db()
    assert job.state == JobState.RUNNING  # what the row says; nobody will change it
    status = wait_for(
        lambda: (s := job_status(job)).state == JobState.FAILED and s,
        seconds=30,
        what="the heartbeat to go stale",
    )
    assert status.error.startswith("The worker running this job stopped")
    client.force_login(job.created_by)
    page = client.get(reverse("annotate:job", args=[job.pk])).content.decode()
    assert ">Retry</button>" in page

    job_retry(job=job)
    run_worker_once()

    job.refresh_from_db()
    assert (job.state, job.attempt) == (JobState.SUCCEEDED, 2)
    assert Article.objects.filter(corpus__slug="uploads").count() == 200
