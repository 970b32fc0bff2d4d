"""Background jobs (README "Background jobs"): the task a worker runs, what each kind of job
does, its heartbeat and progress, and the job page.

- :mod:`.tasks`: ``job_run``, the one task of Django's tasks API that every job is enqueued
  as (``manage.py db_worker`` runs it), moving the :class:`~annotate.models.Job` through the
  services of ``annotate/services/jobs.py``;
- :mod:`.runners`: what each kind does (an import of an uploaded file, a corpus's agreement
  figures), reporting progress;
- :mod:`.progress`: the progress file a running job's worker rewrites, which is also its
  heartbeat, and the rule that tells a job whose worker died;
- :mod:`.views`, :mod:`.urls`: the job page, polled with htmx, and its retry and discard.
"""
