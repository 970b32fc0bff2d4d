"""``job_run``: the task every job is enqueued as (Django's tasks API, the django-tasks
backport; ``manage.py db_worker`` runs it from django-tasks-db's table).

The task is called with the job's id and attempt only; the job's row says what to do. It
starts the job (unless it was discarded or retried meanwhile), runs its kind's runner with a
heartbeat beating, and records the outcome. A failure is recorded on the job and raised again,
so the task backend records it too (with its traceback, for the worker's log). A worker killed
outright records nothing: the job's silent heartbeat tells (:mod:`.progress`).
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from annotate.jobs.progress import Heartbeat, heartbeat_interval, job_folder
from annotate.jobs.runners import RUNNERS, JobFailed
from annotate.services.jobs import job_fail, job_start, job_succeed


@task()
def job_run(job_id: int, attempt: int) -> dict[str, Any] | None:
    """Run attempt ``attempt`` of job ``job_id``; what it did, or None if it was not to run."""
    job = job_start(job_id=job_id, attempt=attempt)
    if job is None:
        return None
    runner = RUNNERS[job.kind]
    with Heartbeat(job_folder(job.pk), attempt=attempt, interval=heartbeat_interval()) as beat:
        try:
            outcome = runner(job, beat)
        except JobFailed as exc:
            job_fail(job=job, error=str(exc))
            raise
        except BaseException as exc:  # the worker stopped (SystemExit), or a bug
            job_fail(job=job, error=_unexpected(exc))
            raise
    job_succeed(job=job, result=outcome.result, corpus=outcome.corpus)
    return outcome.result


def _unexpected(exc: BaseException) -> str:
    if isinstance(exc, SystemExit | KeyboardInterrupt):
        return (
            "The worker was stopped while running this job. Nothing of it was written (an "
            "import is one transaction). Retry runs it again."
        )
    return (
        f"The job failed unexpectedly ({type(exc).__name__}: {exc}). Nothing of it was written. "
        "The worker's log has the details; Retry runs it again."
    )
