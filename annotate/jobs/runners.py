"""What each kind of job does: the work, its progress reports, and what it says at the end.

A runner takes the running :class:`~annotate.models.Job` and its :class:`Heartbeat` (to report
progress on) and returns an :class:`Outcome`, or raises :class:`JobFailed` with the message
the job page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from annotate.exchange import ImportSummary, reading, threads_import_upload
from annotate.jobs.progress import Heartbeat
from annotate.models import Job, JobKind
from annotate.services.agreement import agreement_compute_corpus
from annotate.services.jobs import job_labels_path, job_upload_path, read_options_of
from threads.formats.records import FormatError
from threads.models import Corpus
from threads.selectors import corpus_by_slug


class JobFailed(Exception):
    """The job cannot succeed; the message says why, for a person."""


@dataclass(frozen=True)
class Outcome:
    result: dict[str, Any]  # {"summary": "..."} and counts, kept on the job
    corpus: Corpus | None = None


# The import codecs word their hints for the command line; import jobs come from the admin's
# upload form, which has fields instead.
_FORM_HINTS = (
    (
        "(use --orphans attach or --orphans skip to import it anyway)",
        "(choose “attach” or “skip” under Orphans to import it anyway)",
    ),
    ("(--annotator NAME)", "(the Annotator field)"),
)


def for_the_form(error: FormatError) -> str:
    message = str(error)
    for cli, form in _FORM_HINTS:
        message = message.replace(cli, form)
    return message


def import_run(job: Job, heartbeat: Heartbeat) -> Outcome:
    """Import the job's upload, all or nothing, reporting threads done after each batch."""
    params = job.params
    path = job_upload_path(job)
    fmt = params.get("fmt") or None
    if not path.is_file():
        raise JobFailed(f"The uploaded file {job.file_name} is gone: upload it again.")
    labels = job_labels_path(job)
    if labels is not None and not labels.is_file():
        raise JobFailed(f"The uploaded labels file {labels.name} is gone: upload it again.")
    total = None if job.file_name.lower().endswith(".zip") else reading.threads_total(path, fmt=fmt)
    heartbeat.report(0, total, "reading the file")

    def reported(summary: ImportSummary) -> None:
        heartbeat.report(
            summary.threads + summary.threads_existing,
            total,
            f"{summary.comments:,} comments, {summary.claims:,} claims, "
            f"{summary.reply_labels:,} reply labels so far (not committed yet)",
        )

    try:
        summary = threads_import_upload(
            corpus_slug=params["corpus_slug"],
            path=path,
            name=job.file_name,
            fmt=fmt,
            orphans=params.get("orphans", "error"),
            options=read_options_of(job),
            labels=labels,
            labels_name=params.get("labels_name"),
            on_progress=reported,
        )
    except FormatError as exc:
        raise JobFailed(f"Nothing was imported. {for_the_form(exc)}") from exc
    return Outcome(
        result={
            "summary": f"{job.file_name} into {params['corpus_slug']}: {summary}",
            "threads": summary.threads,
            "threads_existing": summary.threads_existing,
            "comments": summary.comments,
            "claims": summary.claims,
            "reply_labels": summary.reply_labels,
        },
        corpus=corpus_by_slug(params["corpus_slug"]),
    )


def agreement_run(job: Job, heartbeat: Heartbeat) -> Outcome:
    """Compute and keep the agreement figures of the job's corpus where they are stale."""
    corpus = job.corpus
    if corpus is None:  # the constraint says an agreement job has one; the corpus was deleted
        raise JobFailed("The corpus of this job is gone.")

    def reported(done: int, total: int) -> None:
        heartbeat.report(done, total, "threads computed")

    computed, total = agreement_compute_corpus(corpus=corpus, on_progress=reported)
    return Outcome(
        result={
            "summary": f"Computed the agreement figures of {computed:,} of the {total:,} threads "
            f"of {corpus.slug} (the others were kept).",
            "computed": computed,
            "threads": total,
        },
        corpus=corpus,
    )


RUNNERS: dict[str, Callable[[Job, Heartbeat], Outcome]] = {
    JobKind.IMPORT: import_run,
    JobKind.AGREEMENT: agreement_run,
}
