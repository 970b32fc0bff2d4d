"""A running job's progress file, which is also its heartbeat.

Why a file and not a row: an import writes everything in one transaction, so nothing it
writes to the database is seen by anyone else until it ends — and on SQLite no other
connection may write while it runs. The job's folder (``JOBS_ROOT/<id>/``, which the web
processes and workers share) is seen at once by every process, whatever the database.

The worker rewrites ``progress.json`` (atomically: a new file renamed over the old) when the
job reports progress, and from a thread of its own every ``JOB_LEASE_SECONDS / 6`` seconds
even when the job reports nothing (a long commit, a slow batch). A worker that is killed
stops writing: a job the database calls running whose last beat is older than
``JOB_LEASE_SECONDS`` has lost its worker (:func:`worker_lost`).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from django.conf import settings

logger = logging.getLogger(__name__)

PROGRESS_FILE = "progress.json"
# A report is written at most this often; the heartbeat writes in between.
_REPORT_EVERY = 0.25


@dataclass(frozen=True)
class Progress:
    """What a job's worker last wrote: its attempt, threads done of total (None: not known),
    a note (counts so far), and when."""

    attempt: int
    done: int
    total: int | None
    note: str
    beat: datetime

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)


def progress_read(folder: Path) -> Progress | None:
    """The progress the job in ``folder`` last wrote; None when there is none (yet)."""
    try:
        data = json.loads((folder / PROGRESS_FILE).read_text("utf-8"))
        return Progress(
            attempt=int(data["attempt"]),
            done=int(data["done"]),
            total=None if data["total"] is None else int(data["total"]),
            note=str(data["note"]),
            beat=datetime.fromisoformat(data["beat"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def job_folder(job_id: int) -> Path:
    """Where a job's upload and progress file wait: ``JOBS_ROOT/<id>/``."""
    return Path(settings.JOBS_ROOT) / str(job_id)


def lost_message(last: datetime) -> str:
    """What a job whose worker was last heard of at ``last`` says."""
    return (
        f"The worker running this job stopped: nothing heard from it since "
        f"{last:%Y-%m-%d %H:%M:%S} UTC, more than {settings.JOB_LEASE_SECONDS} s ago "
        "(JOB_LEASE_SECONDS). It was killed, or its machine went away. Nothing of this attempt "
        "was written: an import is one transaction. Retry runs it again."
    )


def heartbeat_interval() -> float:
    return max(0.2, settings.JOB_LEASE_SECONDS / 6)


def worker_lost(
    *, started_at: datetime | None, attempt: int, progress: Progress | None, now: datetime
) -> datetime | None:
    """When a running job's worker was last heard of, if that is longer ago than
    ``JOB_LEASE_SECONDS`` (it is gone); None while it is alive."""
    beats = [started_at] if started_at else []
    if progress is not None and progress.attempt == attempt:
        beats.append(progress.beat)
    last = max(beats) if beats else None
    if last is not None and (now - last).total_seconds() <= settings.JOB_LEASE_SECONDS:
        return None
    return last or now


class Heartbeat:
    """Writes a job's progress file while the job runs: at once, on each :meth:`report`, and
    every ``interval`` seconds from its own thread until the ``with`` block ends."""

    def __init__(self, folder: Path, *, attempt: int, interval: float) -> None:
        self.path = folder / PROGRESS_FILE
        self.attempt = attempt
        self.interval = interval
        self.done = 0
        self.total: int | None = None
        self.note = ""
        self._reported = -_REPORT_EVERY  # the first report is written at once
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="job-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._write()
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def report(self, done: int, total: int | None = None, note: str = "") -> None:
        """The job got this far: ``done`` threads of ``total`` (None: not known)."""
        self.done, self.total, self.note = done, total, note
        now = time.monotonic()
        if now - self._reported >= _REPORT_EVERY:  # else the next beat writes it
            self._reported = now
            self._write()

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            self._write()

    def _write(self) -> None:
        with self._lock:
            data = {
                "attempt": self.attempt,
                "done": self.done,
                "total": self.total,
                "note": self.note,
                "beat": datetime.now(UTC).isoformat(),
            }
            partial = self.path.with_name(f".{PROGRESS_FILE}.{threading.get_ident()}")
            try:
                partial.write_text(json.dumps(data), "utf-8")
                os.replace(partial, self.path)
            except OSError as exc:  # a full disk: the job goes on, and may be shown lost
                logger.warning("could not write %s: %s", self.path, exc)
