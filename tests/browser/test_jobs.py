"""An admin uploads a file in a real Chromium and watches its import job on the job page: the
page polls (htmx) while the job waits and runs, and shows the summary, or the error with
Retry, without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from annotate.jobs.runners import JobFailed
from annotate.jobs.tasks import job_run
from annotate.models import Job
from tests.annotate.jobs.conftest import DUMMY_TASKS, jsonl
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def admin(transactional_db, settings):
    settings.TASKS = DUMMY_TASKS  # the job waits until the test runs it, as a worker would
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def run_between_polls(page: Page, job: Job) -> None:
    """Run the job as a worker would, just after one of the page's polls: on SQLite the live
    server's in-memory database locks a whole table while a poll reads it."""
    with page.expect_response(lambda response: f"/jobs/{job.pk}/" in response.url):
        pass
    job_run.call(job_id=job.pk, attempt=job.attempt)


def upload(page: Page, name: str, data: bytes) -> None:
    page.goto("/admin/login/?next=/admin/threads/corpus/import/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.fill("input[name=corpus]", "uploads")
    page.set_input_files(
        "input[name=file]", files=[{"name": name, "mimeType": "text/plain", "buffer": data}]
    )
    page.click("input[type=submit][value=Import]")


def test_the_job_page_follows_the_import_to_its_summary(page: Page, admin):
    upload(page, "threads.jsonl", jsonl("t1", "t2"))
    status = page.locator("#job-status")
    expect(status).to_contain_text("Waiting for a worker")

    run_between_polls(page, Job.objects.get())

    expect(status).to_contain_text("threads.jsonl into uploads: Imported 2 threads")
    page.get_by_role("link", name="See the threads of uploads").click()
    expect(page.locator("#result_list")).to_contain_text("Thread t2")


def test_a_failed_import_shows_its_error_and_retries(page: Page, admin):
    upload(page, "threads.jsonl", jsonl("t1", parent_of_b="gone"))
    job = Job.objects.get()
    with pytest.raises(JobFailed):
        run_between_polls(page, job)
    status = page.locator("#job-status")
    expect(status).to_contain_text("Nothing was imported. threads.jsonl, line 1")

    status.get_by_role("button", name="Retry").click()

    expect(page.locator("#job-status")).to_contain_text("Waiting for a worker")
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("queued", 2)
    page.goto("about:blank")  # the page polls on: stop it before the live server goes
