"""Server time of the annotator's thread page and of saving a claim, in process.

Builds a thread of 10,000 comments with 2,500 claims in a fresh test database (SQLite in a
temporary file, or the PostgreSQL server in DATABASE_URL), then measures with Django's test
Client (the whole middleware stack and template rendering, no network):

- the thread page (GET /threads/<id>/: the article and the first 100 comments), N requests,
  median and p95, and its size;
- a later page of comments (the htmx GET the browser makes as the annotator scrolls), from the
  middle of the thread;
- saving a claim (the htmx POST and the fragment it returns), one client, median and p95;
- and the number of queries each takes.

With ``--both-directions`` the corpus labels replies toward the parent and toward the article,
so every comment shows two reply-label bars, and every fourth comment carries the annotator's
label in each direction.

Run:  .venv/bin/python bench/thread_page.py [--pages 30] [--saves 300] [--both-directions]
      (--relations: every claim gets an answer in the reply under it that attacks it)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/threadlab_bench \
          .venv/bin/python bench/thread_page.py
Targets: first response of a 10,000-comment thread < 200 ms (issue 9); save median < 15 ms,
p95 < 30 ms (issue 3).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_COOKIES", "0")

import django  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=2_500)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument(
        "--relations", action="store_true", help="each claim answered by one attacking it"
    )
    parser.add_argument(
        "--both-directions",
        action="store_true",
        help="the corpus labels replies toward the parent and toward the article",
    )
    args = parser.parse_args()

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / "threadlab_bench.sqlite3")
    elif not db["TEST"].get("NAME"):
        # A name that starts with the one given (threadlab_bench -> threadlab_bench_thread_page),
        # not Django's test_ prefix: a shared server's databases stay in the caller's namespace.
        db["TEST"]["NAME"] = f"{db['NAME']}_thread_page"
    # No setup_test_environment(): its instrumented template rendering copies the context on
    # every (partial) render for the test client, which a real server never does.
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args, connection, CaptureQueriesContext)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args: argparse.Namespace, connection, CaptureQueriesContext) -> None:  # noqa: N803
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from annotate.models import Assignment, Claim, LabelKind, LabelValue, ReplyLabel
    from annotate.services.corpora import corpus_create, reply_directions_set
    from tests.annotate.bigthread import build_thread
    from threads.models import Article, Comment

    started = time.perf_counter()
    corpus = corpus_create(slug="bench", title="Bench")
    article = Article.objects.create(
        corpus=corpus, external_id="big", title="A big thread", body="The thesis. " * 40
    )
    annotator = User.objects.create_user("annotator", password="bench-password-1")
    build_thread(
        article=article,
        comments=args.comments,
        claims=args.claims,
        annotator=annotator,
        relations=args.relations,
    )
    Assignment.objects.create(annotator=annotator, article=article)
    if args.both_directions:
        reply_directions_set(corpus=corpus, directions=["parent", "root"])
        deny = LabelValue.objects.get(corpus=corpus, kind=LabelKind.REPLY_LABEL, name="deny")
        ReplyLabel.objects.bulk_create(
            ReplyLabel(annotator=annotator, article=article, comment=c, label=deny, toward=t)
            for c in Comment.objects.filter(article=article).order_by("position")[::4]
            for t in ("parent", "root")
        )
    if connection.vendor == "postgresql":
        # As autovacuum would soon after an import: without statistics on the fresh tables the
        # planner expects a handful of rows and reads a page's comments about 100x slower.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{connection.vendor}: built a thread of {Comment.objects.filter(article=article).count()}"
        f" comments and {Claim.objects.count()} claims in {time.perf_counter() - started:.1f} s"
    )

    client = Client()
    # For scale on a busy or slow machine: the plainest page Django serves here.
    baseline = []
    for _ in range(30):
        t0 = time.perf_counter()
        client.get(reverse("login"))
        baseline.append((time.perf_counter() - t0) * 1000)
    print(f"baseline: the sign-in page, median {statistics.median(baseline):.1f} ms")
    client.force_login(annotator)
    url = reverse("annotate:thread", args=[article.pk])
    client.get(url)  # warm up: templates compiled, connection open
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    page_queries, page_bytes = len(queries), len(response.content)
    times = []
    for _ in range(args.pages):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    print(
        f"thread page: {args.pages} requests, median {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, {page_queries} queries, "
        f"{page_bytes / 1024:.0f} KiB  (target: median < 200 ms)"
    )
    middle = reverse("annotate:thread-comments", args=[article.pk]) + f"?from={args.comments // 2}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(middle, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.status_code
    fragment_queries, fragment_bytes = len(queries), len(response.content)
    times = []
    for _ in range(args.pages):
        t0 = time.perf_counter()
        client.get(middle, HTTP_HX_REQUEST="true")
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"a later page of 100 comments (htmx): median {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, {fragment_queries} queries, "
        f"{fragment_bytes / 1024:.0f} KiB"
    )

    values = {(v.kind, v.name): v.pk for v in LabelValue.objects.filter(corpus=corpus)}
    comments = list(Comment.objects.filter(article=article).order_by("position")[:500])
    create = reverse("annotate:claim-create", args=[article.pk])

    def save(i: int):
        comment = comments[(i * 7) % len(comments)]
        start = i % 10
        data = {
            "text": str(comment.pk),
            "start": start,
            "end": start + 15,
            "quote": comment.text[start : start + 15],
            "claim_type": values[(LabelKind.CLAIM_TYPE, "claim")],
            "stance": values[(LabelKind.STANCE, "support")],
            "target": f"v{values[(LabelKind.STANCE_TARGET, 'parent')]}",
            "note": "",
            "client_token": str(uuid.uuid4()),
        }
        # Encoded as htmx sends a form (the test client would otherwise send multipart).
        return client.post(
            create,
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
            HTTP_HX_REQUEST="true",
        )

    save(-1)  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = save(-2)
    assert response.status_code == 200, response.content[:300]
    save_queries = len(queries)
    times = []
    before = Claim.objects.count()
    cpu_before = time.process_time()
    for i in range(args.saves):
        t0 = time.perf_counter()
        response = save(i)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.content[:300]
    cpu = (time.process_time() - cpu_before) / args.saves * 1000
    assert Claim.objects.count() == before + args.saves
    print(
        f"claim save (htmx POST + fragment): {args.saves} saves, median "
        f"{statistics.median(times):.2f} ms, p95 {percentile(times, 0.95):.2f} ms, "
        f"{save_queries} queries  (target: median < 15 ms, p95 < 30 ms)"
    )
    # Less dependent on what else the machine runs than the times above: this process's CPU
    # (Django and the database driver; the database server's own CPU comes on top).
    print(f"  CPU of this process per save: {cpu:.2f} ms")


if __name__ == "__main__":
    main()
