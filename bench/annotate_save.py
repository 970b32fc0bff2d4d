"""Concurrent claim saves against a running server: 8 annotators at once, over HTTP.

Start the server first (gunicorn on PostgreSQL, as in production), for example:

    createdb -h 127.0.0.1 -U postgres threadlab_bench
    SECRET_KEY=bench-only DATABASE_URL=postgres://postgres@127.0.0.1:5432/threadlab_bench \\
        ALLOWED_HOSTS=127.0.0.1 SECURE_COOKIES=0 make serve

(two workers of four threads each by default — ``WEB_CONCURRENCY`` and ``GUNICORN_THREADS``
change them; threads let a worker overlap its database waits, which doubled the saves per
second here over sync workers), then, with the
same DATABASE_URL (the script makes its annotators and thread through the ORM,
and checks afterwards that every save is in the database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/threadlab_bench \\
        .venv/bin/python bench/annotate_save.py --url http://127.0.0.1:8000 --clients 8

Each client is a thread with its own annotator session: it signs in through the login form,
then POSTs claims as the page does (htmx headers, the CSRF token from the cookie) and times
each save. Prints saves/s, p50/p95 latency, errors, whether every save reached the database,
and the resident memory of the gunicorn processes (from /proc) before and after the load.
Targets (issue 3): >= 150 saves/s, p95 < 100 ms, zero errors; idle < 120 MB per process.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

import django  # noqa: E402
from procs import cpu_seconds, gunicorn_rss  # noqa: E402

PASSWORD = "bench-password-1"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def gunicorn_cpu_seconds() -> float:
    """CPU time the gunicorn processes have used so far."""
    return cpu_seconds([pid for pid, _, _ in gunicorn_rss()])


def postgres_backend_pids(database: str) -> list[int]:
    """PostgreSQL's server processes for connections to ``database`` (on this machine)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        # "postgres: 15/main: postgres threadlab_bench 127.0.0.1(43210) idle"
        if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
            pids.append(int(entry.name))
    return pids


def print_rss(when: str) -> None:
    processes = gunicorn_rss()
    if not processes:
        print(f"memory {when}: no gunicorn process found on this machine")
        return
    listing = ", ".join(f"{role} {pid}: {rss:.1f} MB" for pid, role, rss in sorted(processes))
    print(f"memory {when}: {listing}  (target: < 120 MB per process)")


def setup(clients: int, comments: int) -> tuple[int, list[str], list[tuple[int, str]], dict]:
    """The bench thread, its annotators (assigned), and the label values a claim uses."""
    django.setup()
    from django.contrib.auth.models import User

    from annotate.models import Assignment, LabelKind, LabelValue
    from annotate.services.corpora import corpus_get_or_create
    from threads.models import Article, Comment

    corpus, _ = corpus_get_or_create(slug="bench-save", title="Save benchmark")
    # A new thread for every run, so that each run starts from the same state (no claims yet)
    # and runs compare; the threads of earlier runs stay in the scratch database.
    article = Article.objects.create(
        corpus=corpus,
        external_id=f"bench-save-{uuid.uuid4().hex[:12]}",
        title="Save benchmark thread",
        body="The thesis of the thread. " * 10,
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            external_id=f"s{i}",
            text=f"Comment {i} 😀 with a few words to label in it.",
            depth=0,
            position=i,
        )
        for i in range(comments)
    )
    usernames = []
    for n in range(1, clients + 1):
        user, _ = User.objects.get_or_create(username=f"bench-annotator-{n}")
        user.set_password(PASSWORD)
        user.save()
        Assignment.objects.get_or_create(annotator=user, article=article)
        usernames.append(user.username)
    texts = list(
        Comment.objects.filter(article=article).order_by("position").values_list("pk", "text")
    )
    values = {(v.kind, v.name): v.pk for v in LabelValue.objects.filter(corpus=corpus)}
    form = {
        "claim_type": values[(LabelKind.CLAIM_TYPE, "claim")],
        "stance": values[(LabelKind.STANCE, "oppose")],
        "target": f"v{values[(LabelKind.STANCE_TARGET, 'thesis')]}",
    }
    return article.pk, usernames, texts, form


@dataclass
class Client:
    """One annotator's browser: a kept-alive connection and its cookies.

    Cheap on purpose, as it shares the machine's cores with the server: one connection for the
    whole run (as a browser keeps one), the request built from a few strings, and nothing read
    of the response but its status and body (cookies only while signing in).
    """

    base: urllib.parse.SplitResult
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                self.base.hostname, self.base.port or 80, timeout=30
            )
        return self.conn

    def request(self, method: str, path: str, body: dict | None = None, headers=None):
        all_headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        all_headers.update(headers or {})
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=data, headers=all_headers)
                response = conn.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed the kept-alive connection (its keep-alive timeout): open
                # another and send again. A save sent twice is still one claim (client token).
                conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        if response.will_close:
            conn.close()
            self.conn = None
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def sign_in(self, username: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and match, f"login page: {status}"
        form = {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": match.group(1).decode(),
        }
        status, _ = self.request("POST", "/accounts/login/", form)
        assert status == 302 and "sessionid" in self.cookies, f"sign in as {username}: {status}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--saves", type=int, default=150, help="saves per client")
    parser.add_argument("--comments", type=int, default=200)
    args = parser.parse_args()

    print_rss("idle, before the run")
    article_id, usernames, texts, labels = setup(args.clients, args.comments)
    base = urllib.parse.urlsplit(args.url)
    path = f"/threads/{article_id}/claims/"
    latencies: list[float] = []
    errors: list[str] = []
    tokens: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(args.clients + 1)

    def work(n: int, username: str) -> None:
        client = Client(base)
        client.sign_in(username)
        headers = {"HX-Request": "true", "X-CSRFToken": client.cookies["csrftoken"]}
        ready.wait()
        for i in range(args.saves):
            comment_id, text = texts[(n * 31 + i * 7) % len(texts)]
            start = i % 9
            token = str(uuid.uuid4())
            body = {
                "text": str(comment_id),
                "start": start,
                "end": start + 12,
                "quote": text[start : start + 12],
                "note": "",
                "client_token": token,
                **labels,
            }
            t0 = time.perf_counter()
            try:
                status, _ = client.request("POST", path, body, headers)
            except OSError as exc:
                status, exc_text = 0, str(exc)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(elapsed)
                if status == 200:
                    tokens.append(token)
                else:
                    errors.append(f"{username}: HTTP {status or exc_text}")
        client.close()

    threads = [threading.Thread(target=work, args=(n, name)) for n, name in enumerate(usernames)]
    for thread in threads:
        thread.start()
    ready.wait()
    from django.db import connection

    database = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else ""
    backends = postgres_backend_pids(database) if database else []
    cpu_before = gunicorn_cpu_seconds()
    db_cpu_before = cpu_seconds(backends)
    own_cpu_before = time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = gunicorn_cpu_seconds() - cpu_before
    own_cpu = time.process_time() - own_cpu_before
    # The server's connections opened before the run (sign-in) or during it: count both.
    backends = sorted(set(backends) | set(postgres_backend_pids(database) if database else []))
    db_cpu = cpu_seconds(backends) - db_cpu_before

    from annotate.models import Claim

    stored = Claim.objects.filter(client_token__in=tokens).count()
    total = len(latencies)
    print(
        f"{args.clients} clients x {args.saves} saves against {args.url}: {total} saves in "
        f"{wall:.1f} s = {total / wall:.0f} saves/s; latency p50 "
        f"{statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
        f"max {max(latencies):.1f} ms; errors {len(errors)}"
    )
    print(
        f"in the database afterwards: {stored} of {len(tokens)} successful saves"
        f" ({'all there' if stored == len(tokens) else 'MISSING SAVES'})"
    )
    if cpu:
        # A figure that does not depend on what else the machine is doing: the server's own CPU
        # per save (the database's CPU comes on top).
        print(
            f"gunicorn CPU: {cpu:.1f} s for {total} saves = {cpu / total * 1000:.1f} ms per save"
            f" (about {os.cpu_count() or 1} / that = "
            f"{(os.cpu_count() or 1) / (cpu / total):.0f} saves/s if the server had every core)"
        )
    if database:
        print(
            f"PostgreSQL CPU (the {len(backends)} server processes of {database}): "
            f"{db_cpu:.1f} s = {db_cpu / total * 1000:.1f} ms per save"
        )
    print(
        f"this load generator's CPU: {own_cpu:.1f} s = {own_cpu / total * 1000:.1f} ms per save"
        " (it shares the cores with the server)"
    )
    for error in errors[:10]:
        print("  error:", error)
    print("  (targets: >= 150 saves/s, p95 < 100 ms, zero errors)")
    time.sleep(1)
    print_rss("after the run")


if __name__ == "__main__":
    main()
