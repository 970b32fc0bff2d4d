"""Background jobs: work longer than a request should, run by a worker (README "Background
jobs").

The queue itself is django-tasks-db's table (Django's tasks API): it knows a task's arguments
and whether it ended, but not what a person needs to follow it — who started it, what it
imports, how far it got, what it said at the end — nor that its worker died (a task whose
worker was killed stays "running" there for ever). A :class:`Job` is that record; its task is
enqueued with the job's id and attempt, and the services in ``annotate/services/jobs.py``
move it from state to state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from threads.models import Corpus


class JobKind(models.TextChoices):
    IMPORT = "import", "import a file"
    AGREEMENT = "agreement", "compute agreement figures"


class JobState(models.TextChoices):
    QUEUED = "queued", "waiting for a worker"
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "done"
    FAILED = "failed", "failed"
    DISCARDED = "discarded", "discarded"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    """One piece of background work and what became of it.

    ``attempt`` counts the runs: a retry enqueues the task again with the next attempt, and a
    task whose attempt is no longer the job's (a worker that came back after its job was given
    up and retried) changes nothing. An import's upload waits in ``JOBS_ROOT/<id>/<file_name>``
    until the job succeeds or is discarded.
    """

    kind = models.CharField(max_length=16, choices=JobKind.choices)
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    # An agreement job's corpus; an import's once it succeeded (the slug is in ``params``).
    corpus = models.ForeignKey(
        Corpus, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    # What the job's runner is called with (an import: corpus_slug, fmt, orphans).
    params = models.JSONField(default=dict, blank=True)
    # The uploaded file's own name (the last part), as error messages name it.
    file_name = models.CharField(max_length=255, blank=True)
    attempt = models.PositiveIntegerField(default=1)
    # The id of the attempt's task in the task backend, for its logs and admin.
    task_id = models.CharField(max_length=64, blank=True)
    # What the job said when it succeeded: {"summary": "...", ...}.
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=JobKind.values), name="annotate_job_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(state__in=JobState.values), name="annotate_job_state_known"
            ),
            models.CheckConstraint(condition=Q(attempt__gte=1), name="annotate_job_attempt"),
            models.CheckConstraint(
                condition=~Q(kind=JobKind.AGREEMENT) | Q(corpus__isnull=False),
                name="annotate_job_agreement_has_corpus",
            ),
            # One agreement computation per corpus at a time, however many pages ask for it.
            models.UniqueConstraint(
                fields=["corpus"],
                condition=Q(kind=JobKind.AGREEMENT, state__in=ACTIVE_STATES),
                name="annotate_job_one_agreement_per_corpus",
            ),
        ]

    def __str__(self) -> str:
        what = self.file_name or (f"corpus {self.corpus_id}" if self.corpus_id else "")
        return f"job {self.pk}: {self.get_kind_display()} {what} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED, JobState.DISCARDED)
