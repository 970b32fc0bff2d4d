"""Reads of background jobs: a job as its page shows it, for the people who may see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404
from django.utils import timezone

from annotate.access import AnyUser, is_admin
from annotate.jobs.progress import Progress, job_folder, lost_message, progress_read, worker_lost
from annotate.models import Job, JobKind, JobState
from threads.models import Corpus


def get_job_for_user(user: AnyUser, job_id: int) -> Job:
    """The job, if ``user`` started it or is an admin; 404 otherwise, as for a missing one.
    One query, with its corpus and starter."""
    jobs = Job.objects.select_related("corpus", "created_by").filter(pk=job_id)
    if not is_admin(user):
        jobs = jobs.filter(created_by_id=user.pk) if user.is_authenticated else jobs.none()
    job = jobs.first()
    if job is None:
        raise Http404("No such job among yours.")
    return job


@dataclass(frozen=True)
class JobStatus:
    """A job as its page shows it: ``state`` is the row's, except that a running job whose
    worker is lost (``lost_since``) shows as failed."""

    job: Job
    state: str
    progress: Progress | None
    error: str
    lost_since: datetime | None

    @property
    def finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED, JobState.DISCARDED)

    @property
    def title(self) -> str:
        job = self.job
        if job.kind == JobKind.IMPORT:
            return f"Import of {job.file_name} into {job.params.get('corpus_slug', '?')}"
        slug = job.corpus.slug if job.corpus else "?"
        return f"Agreement figures of {slug}"

    @property
    def summary(self) -> str:
        return str((self.job.result or {}).get("summary", ""))

    @property
    def can_retry(self) -> bool:
        return self.state == JobState.FAILED

    @property
    def can_discard(self) -> bool:
        return self.state == JobState.FAILED and self.job.kind == JobKind.IMPORT


def job_status(job: Job) -> JobStatus:
    """What ``job`` is at now: its row, and its progress file while it runs (no query)."""
    progress = None
    state, error, lost_since = job.state, job.error, None
    if job.state == JobState.RUNNING:
        progress = progress_read(job_folder(job.pk))
        if progress is not None and progress.attempt != job.attempt:
            progress = None
        last = worker_lost(
            started_at=job.started_at, attempt=job.attempt, progress=progress, now=timezone.now()
        )
        if last is not None:
            state, error, lost_since = JobState.FAILED, lost_message(last), last
    return JobStatus(job=job, state=state, progress=progress, error=error, lost_since=lost_since)


def agreement_job_latest(*, corpus: Corpus) -> Job | None:
    """The corpus's latest agreement job (queued, running or ended), or None."""
    return Job.objects.filter(kind=JobKind.AGREEMENT, corpus=corpus).order_by("-pk").first()
