"""Load test with locust: 50 annotators, 3 reviewers and 2 researchers at once (issue 12).

Against ``make serve`` on PostgreSQL (gunicorn, DEBUG off), from the project's folder:

    createdb -h 127.0.0.1 -U postgres threadlab_load
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/threadlab_load
    SECRET_KEY=load-only ALLOWED_HOSTS=127.0.0.1 SECURE_COOKIES=0 make serve &
    .venv/bin/python bench/load_plan.py setup
    .venv/bin/locust -f bench/load.py --headless -u 55 -r 1 -t 11m --reset-stats \\
        --host http://127.0.0.1:8000 --csv var/load/run --only-summary
    .venv/bin/python bench/load_plan.py check

(``-r 1`` signs the 55 users in over the first minute, as a lab arriving in the morning would,
and ``--reset-stats`` keeps the figures of the ten minutes after.) Add ``--chaos-at 300`` to
kill one gunicorn worker and terminate every database connection five minutes in: the check
must still find every save, with errors only as the retried requests.

Annotators sign in through the login form, open one of their threads, save a claim every few
seconds (as the page does: htmx headers, the CSRF token, a client token so that a save sent
twice is one claim), set reply labels, load the next page of comments, and mark a thread done
after a dozen saves before moving to their next. Reviewers page their threads and open the
review and agreement pages; researchers page the claims API and now and then stream a corpus
export. Every request that meets a connection error or a 5xx is sent again, up to three times in all
(a browser's user would click again; a save with the same client token, so it is still one
claim): each request's outcome goes to ``var/load/requests.csv`` and each save's to
``var/load/saves.csv`` for ``load_plan.py check``, and the server's memory every 15 s to
``var/load/memory.csv``.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procs import gunicorn_rss  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "var" / "load"
PLAN = json.loads((OUT / "plan.json").read_text()) if (OUT / "plan.json").exists() else {}
SAVES_PER_THREAD = 12
RETRIES = 3
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_annotator_names = itertools.cycle(sorted(PLAN.get("annotators", {})))
_reviewer_names = itertools.cycle(PLAN.get("reviewers", []))
_researchers = itertools.cycle(sorted(PLAN.get("researchers", {}).items()))
_saves_log = None


def _log_save(username: str, token: str, status: int, attempts: int) -> None:
    global _saves_log
    if _saves_log is None:
        handle = (OUT / "saves.csv").open("a", newline="")
        _saves_log = (handle, csv.writer(handle))
        if handle.tell() == 0:
            _saves_log[1].writerow(["username", "client_token", "status", "attempts"])
    _saves_log[1].writerow([username, token, status, attempts])
    _saves_log[0].flush()


_requests_log = None


def send(client, method: str, path: str, *, name: str, **kwargs):
    """One request as a person's browser would repeat it: sent again, a second later and up to
    ``RETRIES`` times in all, when the connection failed or the server answered 5xx (a 4xx is a
    refusal: sending it again would be refused again). Every attempt is in locust's figures; the
    outcome (last status, attempts) goes to ``var/load/requests.csv`` for ``load_plan.py
    check``. Returns the last response (``status_code`` 0 when there was none)."""
    global _requests_log
    attempts, status = 0, 0
    while attempts < RETRIES:
        attempts += 1
        with client.request(method, path, name=name, catch_response=True, **kwargs) as response:
            try:
                if kwargs.get("stream"):
                    for _ in response.iter_content(65536):
                        pass
                status = response.status_code or 0
            except OSError as error:  # the connection broke mid-stream
                status = 0
                response.failure(f"{type(error).__name__} mid-stream")
            else:
                if 0 < status < 400:
                    response.success()
                else:
                    response.failure(f"HTTP {status}")
        if 0 < status < 500:
            break
        gevent.sleep(1)
    if _requests_log is None:
        handle = (OUT / "requests.csv").open("a", newline="")
        _requests_log = (handle, csv.writer(handle))
        if handle.tell() == 0:
            _requests_log[1].writerow(["name", "status", "attempts"])
    _requests_log[1].writerow([name, status, attempts])
    _requests_log[0].flush()
    response.attempts = attempts
    return response


@events.init_command_line_parser.add_listener
def _arguments(parser) -> None:
    parser.add_argument(
        "--chaos-at",
        type=int,
        default=0,
        help="seconds into the run at which one gunicorn worker is killed (SIGKILL) and every"
        " PostgreSQL connection of the server's database is terminated (0: never)",
    )
    parser.add_argument(
        "--database",
        default="threadlab_load",
        help="the server's PostgreSQL database, whose connections --chaos-at terminates",
    )


@events.test_start.add_listener
def _chaos_planned(environment, **_kwargs) -> None:
    """Half-way failures: a web process dies and the database drops every connection."""
    options = environment.parsed_options
    if not options or not options.chaos_at:
        return

    def chaos() -> None:
        gevent.sleep(options.chaos_at)
        workers = [pid for pid, role, _ in gunicorn_rss() if role == "worker"]
        if workers:
            os.kill(workers[0], signal.SIGKILL)
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-qAtc",
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                f" WHERE datname = '{options.database}'",
            ],
            check=False,
        )
        print(
            f"chaos at {options.chaos_at} s: killed gunicorn worker {workers[:1]}, "
            "terminated the database's connections",
            flush=True,
        )

    gevent.spawn(chaos)


@events.test_start.add_listener
def _memory_sampled(environment, **_kwargs) -> None:
    """The gunicorn processes' resident memory every 15 s, to see that it stays flat."""

    def sample() -> None:
        started = time.monotonic()
        with (OUT / "memory.csv").open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["seconds", "processes", "total_mb", "largest_mb"])
            while True:
                found = gunicorn_rss()
                sizes = [rss for _, _, rss in found] or [0.0]
                out.writerow(
                    [
                        round(time.monotonic() - started),
                        len(found),
                        f"{sum(sizes):.1f}",
                        f"{max(sizes):.1f}",
                    ]
                )
                handle.flush()
                gevent.sleep(15)

    gevent.spawn(sample)


class SignedIn(HttpUser):
    abstract = True

    def sign_in(self, username: str) -> None:
        page = send(self.client, "GET", "/accounts/login/", name="login page")
        match = _CSRF.search(page.text)
        assert match, f"login page: {page.status_code}"
        send(
            self.client,
            "POST",
            "/accounts/login/",
            data={
                "username": username,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": match.group(1),
            },
            name="sign in",
            allow_redirects=False,
        )
        self.headers = {"HX-Request": "true", "X-CSRFToken": self.client.cookies["csrftoken"]}


class Annotator(SignedIn):
    fixed_count = 50
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.username = next(_annotator_names)
        self.threads = list(PLAN["annotators"][self.username]) or list(PLAN["threads"][:1])
        self.sign_in(self.username)
        self.open_next_thread()

    def open_next_thread(self) -> None:
        # Each thread once: a thread marked done refuses labels (422), as it should. The plan
        # gives each annotator more threads than ten minutes of saving get through (15 each);
        # one who gets through them all goes back to the last and reads it.
        if self.threads:
            self.thread = self.threads.pop(0)
        self.comments = PLAN["comments"][str(self.thread)]
        self.saves = 0
        send(self.client, "GET", f"/threads/{self.thread}/", name="thread page")

    @task(6)
    def save_claim(self) -> None:
        if not self.threads and self.saves >= SAVES_PER_THREAD:
            return self.comments_page()  # every thread done: reading, not saving
        labels = PLAN["labels"]
        start = random.randrange(0, 9)
        comment_id, text = random.choice(self.comments)
        token = str(uuid.uuid4())
        body = {
            "text": str(comment_id),
            "start": start,
            "end": start + 12,
            "quote": text[start : start + 12],
            "note": "",
            "client_token": token,
            "claim_type": labels["claim_type"],
            "stance": random.choice(labels["stances"]),
            "target": labels["target"],
        }
        response = send(
            self.client,
            "POST",
            f"/threads/{self.thread}/claims/",
            data=body,
            headers=self.headers,
            name="save claim",
        )
        _log_save(self.username, token, response.status_code or 0, response.attempts)
        self.saves += 1
        if self.saves == SAVES_PER_THREAD:
            self.mark_done()
            if self.threads:
                self.open_next_thread()

    @task(3)
    def reply_label(self) -> None:
        if not self.threads and self.saves >= SAVES_PER_THREAD:
            return self.comments_page()
        send(
            self.client,
            "POST",
            f"/threads/{self.thread}/reply-label/",
            data={
                "comment": random.choice(self.comments)[0],
                "label": random.choice(PLAN["labels"]["reply_labels"]),
            },
            headers=self.headers,
            name="reply label",
        )

    @task(1)
    def comments_page(self) -> None:
        send(
            self.client,
            "GET",
            f"/threads/{self.thread}/comments/?from={random.randrange(len(self.comments))}",
            headers=self.headers,
            name="comments page",
        )

    def mark_done(self) -> None:
        send(
            self.client,
            "POST",
            f"/threads/{self.thread}/status/",
            data={"status": "done"},
            headers=self.headers,
            name="mark done",
        )


class Reviewer(SignedIn):
    fixed_count = 3
    wait_time = between(3, 8)

    def on_start(self) -> None:
        self.sign_in(next(_reviewer_names))

    @task(3)
    def review_thread(self) -> None:
        send(self.client, "GET", "/review/", name="review home")
        thread = random.choice(PLAN["threads"])
        send(self.client, "GET", f"/review/threads/{thread}/", name="review page")

    @task(1)
    def agreement(self) -> None:
        send(self.client, "GET", f"/corpora/{PLAN['corpus']}/agreement/", name="agreement page")


class Researcher(HttpUser):
    fixed_count = 2
    wait_time = between(2, 6)

    def on_start(self) -> None:
        _, token = next(_researchers)
        self.client.headers["Authorization"] = f"Token {token}"

    @task(8)
    def page_claims(self) -> None:
        url = f"/api/v1/claims/?corpus={PLAN['corpus']}"
        for _ in range(5):
            response = send(self.client, "GET", url, name="api claims page")
            if response.status_code != 200:
                break
            page = response.json()
            if not page.get("next"):
                break
            url = page["next"]

    @task(1)
    def export(self) -> None:
        send(
            self.client,
            "GET",
            f"/api/v1/corpora/{PLAN['corpus']}/export/?format=jsonl",
            name="api export",
            stream=True,
        )
