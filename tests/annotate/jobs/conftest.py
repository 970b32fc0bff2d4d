"""Jobs as the admin's import form leaves them: a row, and its upload in the job's folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from annotate.jobs.progress import PROGRESS_FILE, job_folder
from annotate.models import Job
from tests.factories import ImportJobFactory

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def jsonl(*ids: str, parent_of_b: str = "a") -> bytes:
    lines = [
        {
            "id": tid,
            "title": f"Thread {tid}",
            "body": "The article.",
            "comments": [
                {"id": "a", "parent_id": None, "text": "Top."},
                {"id": "b", "parent_id": parent_of_b, "text": "Reply."},
            ],
        }
        for tid in ids
    ]
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def saved_upload(job: Job, data: bytes) -> Path:
    path = job_folder(job.pk) / job.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def beat(job: Job, *, seconds_ago: float, done: int = 3, total: int | None = 10) -> None:
    """Write the job's progress file as its worker would have ``seconds_ago``."""
    folder = job_folder(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    when = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    data = {
        "attempt": job.attempt,
        "done": done,
        "total": total,
        "note": "",
        "beat": when.isoformat(),
    }
    (folder / PROGRESS_FILE).write_text(json.dumps(data), "utf-8")


@pytest.fixture
def import_job(db):
    """A queued import of a good file, not run yet."""
    job = ImportJobFactory()
    saved_upload(job, jsonl("t1", "t2"))
    return job
