"""Scale-out without Docker: two web processes on one PostgreSQL serve the same people.

Two gunicorn processes, started as ``make web`` starts one (its flags, after one
``collectstatic``), on two ports against the test database: an annotator signs in through
one and is signed in on the other, signs out there and is signed out on the first, because
sessions and the cache live in the database, not in a process. Each process writes one JSON
line a request on stdout. A job started through one is run by a worker process (``manage.py
db_worker``, as ``make worker`` runs it) and watched to its end through the other: jobs are
rows of the database, and their progress files lie in the one ``JOBS_ROOT`` every process shares.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import global_settings
from django.db import connection

from annotate.models import Job, JobKind, JobState
from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    ClaimFactory,
    CorpusGrantFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="web processes share a PostgreSQL server"
    ),
    pytest.mark.django_db(transaction=True),  # the servers read what is committed
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(static_root: Path) -> dict[str, str]:
    """What every process of the deployment shares: the database, the secret, the jobs' folder
    (a volume of the compose file); every agreement figure is computed by a job."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "SECRET_KEY": "scale-out-test-key-shared-by-every-process",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(static_root),
        "LOG_FORMAT": "json",
        "CONN_MAX_AGE": "0",
        "ENV_FILE": "/nonexistent",
        "JOBS_ROOT": str(static_root.parent / "jobs"),
        "AGREEMENT_INLINE_THREADS": "0",
    }


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=_environment(root),
        check=True,
    )
    return root


class Server:
    """One gunicorn process as `make web` runs it, with its stdout kept in a file."""

    def __init__(self, static_root: Path, log: Path) -> None:
        self.port = _free_port()
        self.log = log
        command = [
            str(GUNICORN),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            "2",
        ]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=_environment(static_root), stdout=out, stderr=out
            )

    def wait_until_healthy(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if request(self, "GET", "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"not healthy in {seconds} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)

    def request_lines(self) -> list[dict]:
        lines = [json.loads(line) for line in self.log.read_text().splitlines() if line[:1] == "{"]
        return [line for line in lines if line.get("event") == "request_finished"]


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: str) -> None:
        self.status, self.headers, self.body = status, headers, body


def request(
    server: Server,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """One request, as a browser sends it; the cookies it sets go into ``cookies``."""
    connection_ = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    sent = dict(headers or {})
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection_.request(method, path, body=body, headers=sent)
        answer = connection_.getresponse()
        response = Response(answer.status, answer.headers, answer.read().decode())
    finally:
        connection_.close()
    if cookies is not None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value
    return response


def sign_in(server: Server, username: str, cookies: dict[str, str]) -> Response:
    page = request(server, "GET", "/accounts/login/", cookies=cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert token, page.body
    form = {"csrfmiddlewaretoken": token[1], "username": username, "password": PASSWORD}
    return request(server, "POST", "/accounts/login/", cookies=cookies, form=form)


@pytest.fixture
def servers(static_root, tmp_path) -> Iterator[list[Server]]:
    started = [Server(static_root, tmp_path / f"web-{n}.log") for n in (1, 2)]
    try:
        for server in started:
            server.wait_until_healthy()
        yield started
    finally:
        for server in started:
            server.stop()


def test_a_session_begun_on_one_web_process_holds_on_another_and_ends_on_both(servers, settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the servers' own
    first, second = servers
    alice = UserFactory(username="alice")
    AssignmentFactory(annotator=alice, article__title="Sanctions and their critics")
    cookies: dict[str, str] = {}

    signed_in = sign_in(first, "alice", cookies)
    assert (signed_in.status, signed_in.headers["Location"]) == (302, "/")

    dashboard = request(second, "GET", "/", cookies=cookies)
    assert dashboard.status == 200
    assert "Sanctions and their critics" in dashboard.body

    signed_out = request(
        second,
        "POST",
        "/accounts/logout/",
        cookies=dict(cookies),  # keep the old session cookie, as a second tab would
        headers={"X-CSRFToken": cookies["csrftoken"]},
    )
    assert signed_out.status == 302
    again = request(first, "GET", "/", cookies=cookies)
    assert again.status == 302
    assert again.headers["Location"].startswith("/accounts/login/")


def test_each_web_process_logs_one_json_line_a_request_with_its_id(servers):
    first, _ = servers
    answer = request(first, "GET", "/healthz", headers={"X-Request-ID": "from-the-proxy-1"})
    assert answer.headers["X-Request-ID"] == "from-the-proxy-1"

    first.stop()  # gunicorn writes what it holds
    [line] = [x for x in first.request_lines() if x["request_id"] == "from-the-proxy-1"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert "duration_ms" in line  # the request log carries its timing (its value: bench/)
    assert "user_id" in line


def test_a_job_started_on_one_web_process_is_run_by_a_worker_and_watched_on_another(
    servers, static_root, settings
):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the servers' own
    first, second = servers
    rita = UserFactory(username="rita")
    claim = ClaimFactory()
    corpus = claim.article.corpus
    CorpusGrantFactory(user=rita, corpus=corpus, role="reviewer")
    cookies: dict[str, str] = {}
    sign_in(first, "rita", cookies)

    page = request(first, "GET", f"/corpora/{corpus.slug}/agreement/", cookies=cookies)
    assert page.status == 200
    assert "Waiting for a worker" in page.body
    job = Job.objects.get(kind=JobKind.AGREEMENT, corpus=corpus)
    watched = request(second, "GET", f"/jobs/{job.pk}/", cookies=cookies)
    assert (watched.status, job.state) == (200, JobState.QUEUED)
    assert "Waiting for a worker" in watched.body

    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=_environment(static_root),
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr.decode()

    done = request(second, "GET", f"/jobs/{job.pk}/", cookies=cookies)
    assert done.status == 200
    assert "<h2>Done</h2>" in done.body
    figures = request(second, "GET", f"/corpora/{corpus.slug}/agreement/", cookies=cookies)
    assert "Computing" not in figures.body
