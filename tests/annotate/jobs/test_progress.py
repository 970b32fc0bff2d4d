"""A running job's progress file, which is also its heartbeat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from annotate.jobs.progress import Heartbeat, progress_read, worker_lost


def test_it_writes_the_progress_file_when_it_starts(tmp_path):
    with Heartbeat(tmp_path / "7", attempt=2, interval=60):
        progress = progress_read(tmp_path / "7")

    assert (progress.attempt, progress.done, progress.total) == (2, 0, None)


def test_it_writes_the_first_report_at_once(tmp_path):
    with Heartbeat(tmp_path, attempt=1, interval=60) as heartbeat:
        heartbeat.report(5, 20, "100 comments so far")
        progress = progress_read(tmp_path)

    assert (progress.done, progress.total, progress.note, progress.percent) == (
        5,
        20,
        "100 comments so far",
        25,
    )


def test_it_reads_no_progress_from_a_folder_without_one(tmp_path):
    assert progress_read(tmp_path) is None


def test_a_worker_heard_of_within_the_lease_is_alive(settings):
    settings.JOB_LEASE_SECONDS = 30
    now = datetime.now(UTC)

    lost = worker_lost(started_at=now - timedelta(seconds=29), attempt=1, progress=None, now=now)

    assert lost is None


def test_a_worker_silent_past_the_lease_is_lost_since_it_was_last_heard_of(settings):
    settings.JOB_LEASE_SECONDS = 30
    now = datetime.now(UTC)
    started = now - timedelta(seconds=31)

    assert worker_lost(started_at=started, attempt=1, progress=None, now=now) == started
