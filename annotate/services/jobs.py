"""Background jobs: created, enqueued, started, ended, retried, discarded (README "Background
jobs").

Every change of a job's state is one UPDATE filtered on the state and attempt it expects, so
two processes racing (a worker starting a job while an admin discards it, a worker that was
given up for lost coming back) never both win: the loser changes nothing.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from annotate.exchange import reading, unzip
from annotate.exchange.uploads import upload_name
from annotate.jobs.progress import PROGRESS_FILE, job_folder, lost_message
from annotate.models import Job, JobKind, JobState
from annotate.models.jobs import ACTIVE_STATES
from annotate.selectors.jobs import job_status
from threads.formats import detect_format
from threads.formats.records import FormatError, ReadOptions
from threads.models import Corpus


class JobError(Exception):
    """A job cannot do what was asked (retry one that did not fail, ...); the message says
    why, for a person."""


# The labels file uploaded beside an import's file (PHEME) waits in this folder of the job's.
LABELS_FOLDER = "labels-file"


def job_upload_path(job: Job) -> Path:
    return job_folder(job.pk) / job.file_name


def job_labels_path(job: Job) -> Path | None:
    """Where the labels file uploaded with an import job waits, if one was."""
    name = job.params.get("labels_name")
    return job_folder(job.pk) / LABELS_FOLDER / name if name else None


def read_options_params(options: ReadOptions) -> dict[str, Any]:
    """The labelled formats' options as a job's arguments (the labels file is saved apart)."""
    return {
        "annotator": options.annotator,
        "as_gold": options.as_gold,
        "stance_attribute": options.stance_attribute,
        "strict_schema": options.strict_schema,
    }


def read_options_of(job: Job) -> ReadOptions:
    """The labelled formats' options an import job was created with."""
    params = job.params
    return ReadOptions(
        annotator=params.get("annotator") or None,
        as_gold=bool(params.get("as_gold", False)),
        stance_attribute=params.get("stance_attribute") or ReadOptions.stance_attribute,
        strict_schema=bool(params.get("strict_schema", False)),
    )


def import_job_create(
    *,
    user: User | None,
    upload: UploadedFile,
    corpus_slug: str,
    fmt: str | None,
    orphans: str,
    options: ReadOptions | None = None,
    labels: UploadedFile | None = None,
) -> Job:
    """An import of ``upload`` into ``corpus_slug`` as a job, enqueued.

    The upload is moved (a temporary file) or streamed (a small one, in memory) into the
    job's folder, where it waits until the job succeeds or is discarded; so does ``labels``,
    the labels file uploaded beside it (PHEME), in the folder's ``labels-file/``. The
    labelled formats' ``options`` are the job's arguments with the corpus and format. What
    can be told without reading the file is checked first — a format the name does not say,
    a zip past its limits (from its directory) — and raised as :class:`FormatError`, leaving
    no job.
    """
    name = upload_name(upload.name)
    labels_name = upload_name(labels.name) if labels is not None else None
    reading.format_check(fmt)
    # Not one transaction with the copy of a large upload: on SQLite that would hold the
    # only write lock while it runs. The job is not enqueued until its upload is in place.
    job = Job.objects.create(
        kind=JobKind.IMPORT,
        created_by=user,
        file_name=name,
        params={
            "corpus_slug": corpus_slug,
            "fmt": fmt,
            "orphans": orphans,
            **read_options_params(options or ReadOptions()),
            "labels_name": labels_name,
        },
    )
    path = job_upload_path(job)
    try:
        _upload_saved(upload, path)
        labels_path = job_labels_path(job)
        if labels is not None and labels_path is not None:
            _upload_saved(labels, labels_path)
        if name.lower().endswith(".zip"):
            unzip.zip_check(path, name=name)
        elif fmt is None:
            detect_format(Path(name))
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        job.delete()
        raise
    job_enqueue(job)
    return job


def _upload_saved(upload: UploadedFile, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if isinstance(upload, TemporaryUploadedFile):
            # A rename on the same disk; Django's cleanup of the moved temporary file
            # expects it may be gone.
            shutil.move(upload.temporary_file_path(), path)
            return
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    except OSError as exc:
        raise FormatError(f"the upload could not be kept for its job ({exc})") from exc


def job_enqueue(job: Job) -> None:
    """Hand ``job``'s current attempt to the task backend (a worker picks it up)."""
    from annotate.jobs.tasks import job_run  # the task module calls the services here

    try:
        result = job_run.enqueue(job_id=job.pk, attempt=job.attempt)
    except Exception as exc:
        Job.objects.filter(pk=job.pk, attempt=job.attempt, state=JobState.QUEUED).update(
            state=JobState.FAILED, error=f"The job could not be queued: {exc}", finished_at=_now()
        )
        raise
    Job.objects.filter(pk=job.pk, attempt=job.attempt).update(task_id=result.id)


def job_start(*, job_id: int, attempt: int) -> Job | None:
    """The job, now running, if it is still waiting for this attempt; else None (discarded,
    or another attempt's)."""
    started = Job.objects.filter(pk=job_id, attempt=attempt, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=_now(), finished_at=None, error=""
    )
    if not started:
        return None
    return Job.objects.select_related("corpus").get(pk=job_id)


def job_succeed(*, job: Job, result: dict[str, Any], corpus: Corpus | None = None) -> bool:
    """Record what ``job`` did and remove its folder (its upload is imported)."""
    done = Job.objects.filter(pk=job.pk, attempt=job.attempt, state=JobState.RUNNING).update(
        state=JobState.SUCCEEDED,
        result=result,
        corpus=corpus or job.corpus,
        finished_at=_now(),
    )
    if done:
        shutil.rmtree(job_folder(job.pk), ignore_errors=True)
    return bool(done)


def job_fail(*, job: Job, error: str) -> bool:
    """Record why ``job`` failed. An import keeps its upload, for a retry."""
    failed = Job.objects.filter(pk=job.pk, attempt=job.attempt, state=JobState.RUNNING).update(
        state=JobState.FAILED, error=error, finished_at=_now()
    )
    if failed and job.kind != JobKind.IMPORT:
        shutil.rmtree(job_folder(job.pk), ignore_errors=True)
    return bool(failed)


def job_retry(*, job: Job) -> Job:
    """Enqueue a failed job again (also one whose worker was lost), as its next attempt."""
    if job.state != JobState.FAILED and job_status(job).lost_since is None:
        raise JobError("Only a failed job can be retried; this one is " + job.get_state_display())
    if job.kind == JobKind.IMPORT and not job_upload_path(job).is_file():
        raise JobError(f"The uploaded file {job.file_name} is gone: upload it again.")
    labels = job_labels_path(job) if job.kind == JobKind.IMPORT else None
    if labels is not None and not labels.is_file():
        raise JobError(f"The uploaded labels file {labels.name} is gone: upload it again.")
    try:
        with transaction.atomic():
            again = Job.objects.filter(pk=job.pk, attempt=job.attempt, state=job.state).update(
                state=JobState.QUEUED,
                attempt=F("attempt") + 1,
                error="",
                result=None,
                started_at=None,
                finished_at=None,
            )
    except IntegrityError:
        raise JobError(
            "The figures of this corpus are being computed by another job already."
        ) from None
    if not again:
        raise JobError("The job changed meanwhile: look at it again.")
    (job_folder(job.pk) / PROGRESS_FILE).unlink(missing_ok=True)
    job.refresh_from_db()
    job_enqueue(job)
    job.refresh_from_db()
    return job


def job_discard(*, job: Job) -> Job:
    """Give up a job that failed or still waits: its upload is removed."""
    lost = job_status(job).lost_since is not None
    if job.state not in (JobState.FAILED, JobState.QUEUED) and not lost:
        raise JobError("Only a failed or waiting job can be discarded; this one is running.")
    discarded = Job.objects.filter(pk=job.pk, attempt=job.attempt, state=job.state).update(
        state=JobState.DISCARDED, finished_at=_now()
    )
    if not discarded:
        raise JobError("The job changed meanwhile: look at it again.")
    shutil.rmtree(job_folder(job.pk), ignore_errors=True)
    job.refresh_from_db()
    return job


def agreement_job_ensure(*, corpus: Corpus, user: User | None) -> Job:
    """The job computing ``corpus``'s agreement figures: the one already queued or running,
    or a new one enqueued. One per corpus however many pages ask at once (a unique
    constraint); one whose worker was lost is marked failed and replaced."""
    active = Job.objects.filter(
        kind=JobKind.AGREEMENT, corpus=corpus, state__in=ACTIVE_STATES
    ).first()
    if active is not None:
        last = job_status(active).lost_since
        if last is None:
            return active
        job_fail(job=active, error=lost_message(last))
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=JobKind.AGREEMENT, corpus=corpus, created_by=user)
    except IntegrityError:  # another request created it a moment ago
        return Job.objects.get(kind=JobKind.AGREEMENT, corpus=corpus, state__in=ACTIVE_STATES)
    job_enqueue(job)
    job.refresh_from_db()
    return job


def _now() -> datetime:
    return timezone.now()
