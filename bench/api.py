"""The researcher API at scale: the claims list and whole-corpus exports, through the API.

Builds a corpus of --claims claims over --comments comments (threads of 100
comments: 50 top-level, each with one reply; claims spread over five
annotators; one reply label a comment) in a database of its own, then measures
in child processes, with Django's test Client (the whole middleware and DRF
stack, no network) and a researcher's token:

- the claims list, a page of 100: --pages requests following the ``next``
  links from the first page, median and p95, and its query count;
- each export (jsonl, csv) by the command's function, ``corpus_export`` to a
  file: seconds, CPU seconds, claims/s and peak RSS (a fresh process each);
- each export (jsonl, csv; convokit with --convokit) streamed through
  GET /api/v1/corpora/{slug}/export/: seconds, claims/s, MB, and the peak RSS
  of the process serving it (one fresh process per format).

Run:  .venv/bin/python bench/api.py --claims 100000 --comments 10000
      .venv/bin/python bench/api.py --claims 1000000 --comments 100000
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/api.py ...
      (PostgreSQL: the database ``threadlab_api_bench`` on that server is dropped and made anew)
Add --reuse to measure an existing bench database again without rebuilding it, --no-list
to time only the exports, --pg-database / --sqlite-path to keep a bench database apart.
Targets (issue 4): claims list median < 50 ms; export by the command >= 50,000 claims/s,
via the API >= 20,000 claims/s;
peak RSS < 200 MB at 1,000,000 claims over 100,000 comments.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("LOG_LEVEL", "ERROR")

SLUG = "bench-api"
PG_DB = "threadlab_api_bench"
SQLITE_PATH = ROOT / "var" / "bench_api.sqlite3"
THREAD_SIZE = 100
ANNOTATORS = 5
TEXT = "Claims are made of words, and words of letters; " * 6  # 300 code points


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def database_url(reuse: bool, sqlite_path: Path, pg_db: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sqlite_path.parent.mkdir(exist_ok=True)
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{sqlite_path}"
    import psycopg

    base, _, _ = url.rpartition("/")
    if not reuse:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{pg_db}"')
    return f"{base}/{pg_db}"


def build(claims: int, comments: int) -> None:
    """Fill the bench database: bulk inserts, parents before replies."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction

    from annotate.models import (
        Assignment,
        Claim,
        CorpusGrant,
        LabelKind,
        LabelValue,
        ReplyLabel,
    )
    from annotate.services.corpora import corpus_create
    from threads.models import Article, Comment

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    corpus = corpus_create(slug=SLUG, title="API bench")
    researcher = User.objects.create_user("bench-researcher", password="bench-password-1")
    CorpusGrant.objects.create(user=researcher, corpus=corpus, role="researcher")
    annotators = [
        User.objects.create_user(f"bench-annotator-{i}", password="bench-password-1")
        for i in range(ANNOTATORS)
    ]
    values = {(v.kind, v.name): v for v in LabelValue.objects.filter(corpus=corpus)}
    claim_type = values[(LabelKind.CLAIM_TYPE, "claim")]
    stances = [values[(LabelKind.STANCE, n)] for n in ("support", "oppose", "neutral")]
    targets = [values[(LabelKind.STANCE_TARGET, n)] for n in ("thesis", "parent")]
    reply = [values[(LabelKind.REPLY_LABEL, n)] for n in ("support", "deny", "query", "comment")]

    threads = max(1, comments // THREAD_SIZE)
    per_comment = max(1, claims // comments)
    made = 0
    for first in range(0, threads, 100):
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                Article(
                    corpus=corpus,
                    external_id=f"t{n}",
                    title=f"Thread {n}",
                    body=TEXT,
                    author=f"author{n % 97}",
                )
                for n in range(first, min(threads, first + 100))
            )
            Assignment.objects.bulk_create(
                Assignment(annotator=a, article=article, status="done")
                for article in articles
                for a in annotators
            )
            half = THREAD_SIZE // 2
            tops = Comment.objects.bulk_create(
                Comment(
                    article=article,
                    external_id=f"{article.external_id}-c{i}",
                    author=f"reader{(article.pk * 7 + i) % 1000}",
                    text=TEXT,
                    depth=0,
                    position=2 * i,
                )
                for article in articles
                for i in range(half)
            )
            replies = Comment.objects.bulk_create(
                Comment(
                    article_id=top.article_id,
                    parent=top,
                    external_id=f"{top.external_id}-r",
                    author=f"reader{(top.pk * 13) % 1000}",
                    text=TEXT,
                    depth=1,
                    position=top.position + 1,
                )
                for top in tops
            )
            batch: list[Claim] = []
            for k, comment in enumerate(tops + replies):
                for j in range(per_comment):
                    if made >= claims:
                        break
                    start = (j * 11) % 280
                    batch.append(
                        Claim(
                            annotator=annotators[(k + j) % ANNOTATORS],
                            article_id=comment.article_id,
                            corpus_id=corpus.pk,
                            comment=comment,
                            start=start,
                            end=start + 10,
                            quote=TEXT[start : start + 10],
                            claim_type=claim_type,
                            stance=stances[(k + j) % 3],
                            stance_target=targets[j % 2],
                        )
                    )
                    made += 1
                if len(batch) >= 5000:
                    Claim.objects.bulk_create(batch, batch_size=5000)
                    batch = []
            Claim.objects.bulk_create(batch, batch_size=5000)
            ReplyLabel.objects.bulk_create(
                (
                    ReplyLabel(
                        annotator=annotators[k % ANNOTATORS],
                        article_id=comment.article_id,
                        corpus_id=corpus.pk,
                        comment=comment,
                        label=reply[k % 4],
                    )
                    for k, comment in enumerate(tops + replies)
                ),
                batch_size=5000,
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{connection.vendor}: built {threads:,} threads, {Comment.objects.count():,} comments, "
        f"{Claim.objects.count():,} claims, {ReplyLabel.objects.count():,} reply labels "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def client():
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client
    from rest_framework.authtoken.models import Token

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    token, _ = Token.objects.get_or_create(user=User.objects.get(username="bench-researcher"))
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def measure_list(pages: int) -> dict:
    api = client()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/api/v1/claims/?page_size=100"
    api.get(url)  # warm up: connection open, code paths loaded
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    queries = len(captured)  # now: the next request empties the log it reads
    assert response.status_code == 200, response.content[:300]
    times = []
    for _ in range(pages):
        t0 = time.perf_counter()
        response = api.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
        assert len(response.json()["results"]) == 100
        url = response.json()["next"] or "/api/v1/claims/?page_size=100"
    filtered = []
    for _ in range(max(5, pages // 4)):
        t0 = time.perf_counter()
        response = api.get("/api/v1/claims/?page_size=100&stance=oppose&corpus=" + SLUG)
        filtered.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    return {
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "filtered_median_ms": statistics.median(filtered),
        "queries": queries,
        "rss_mb": peak_rss_mb(),
    }


def measure_export(fmt: str) -> dict:
    api = client()
    t0 = time.perf_counter()
    response = api.get(f"/api/v1/corpora/{SLUG}/export/?format={fmt}")
    assert response.status_code == 200, response.status_code
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    seconds = time.perf_counter() - t0
    from annotate.models import Claim

    return {
        "seconds": seconds,
        "claims": Claim.objects.filter(article__corpus__slug=SLUG).count(),
        "mb": size / 1e6,
        "rss_mb": peak_rss_mb(),
    }


def measure_direct(fmt: str) -> dict:
    """The same export without the API (``corpus_export_stream`` iterated in process)."""
    client()
    from annotate.exchange import corpus_export_stream
    from annotate.models import Claim
    from threads.models import Corpus

    corpus = Corpus.objects.get(slug=SLUG)
    t0 = time.perf_counter()
    size = sum(len(chunk) for chunk in corpus_export_stream(corpus=corpus, fmt=fmt))
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "claims": Claim.objects.filter(article__corpus=corpus).count(),
        "mb": size / 1e6,
        "rss_mb": peak_rss_mb(),
    }


def measure_command(fmt: str) -> dict:
    """The export command's work: ``corpus_export`` to a file (what ``export_corpus`` runs)."""
    client()
    import tempfile

    from annotate.exchange import corpus_export
    from threads.models import Corpus

    corpus = Corpus.objects.get(slug=SLUG)
    with tempfile.TemporaryDirectory(prefix="threadlab-api-bench-") as tmp:
        cpu = time.process_time()
        summary = corpus_export(corpus=corpus, fmt=fmt, path=Path(tmp) / f"export.{fmt}")
        cpu = time.process_time() - cpu
        size = (Path(tmp) / f"export.{fmt}").stat().st_size
    return {
        "seconds": summary.seconds,
        "cpu": cpu,
        "claims": summary.claims,
        "mb": size / 1e6,
        "rss_mb": peak_rss_mb(),
    }


def child(args: list[str]) -> dict:
    """Run one measurement in a fresh process (so its peak RSS is its own)."""
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, env=os.environ.copy()
    )
    if done.returncode != 0:
        sys.exit(f"bench child {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--convokit", action="store_true", help="also time the convokit zip")
    parser.add_argument(
        "--direct", action="store_true", help="also time each export without the API, to compare"
    )
    parser.add_argument("--reuse", action="store_true", help="measure the existing database")
    parser.add_argument("--no-list", action="store_true", help="skip the claims list")
    parser.add_argument(
        "--pg-database", default=PG_DB, help=f"PostgreSQL bench database (default: {PG_DB})"
    )
    parser.add_argument(
        "--sqlite-path",
        type=Path,
        default=SQLITE_PATH,
        help="SQLite bench database file (default: var/bench_api.sqlite3)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:  # inside a measuring process: DATABASE_URL already set by the parent
        what = args.child[0]
        if what == "list":
            result = measure_list(int(args.child[1]))
        elif what == "direct":
            result = measure_direct(args.child[1])
        elif what == "command":
            result = measure_command(args.child[1])
        else:
            result = measure_export(what)
        print(json.dumps(result))
        return

    os.environ["DATABASE_URL"] = database_url(args.reuse, args.sqlite_path, args.pg_database)
    if not args.reuse:
        build(args.claims, args.comments)

    listing = None if args.no_list else child(["--child", "list", str(args.pages)])
    if listing:
        print(
            f"claims list, page of 100: {args.pages} pages, median {listing['median_ms']:.1f} ms,"
            f" p95 {listing['p95_ms']:.1f} ms, {listing['queries']} queries; filtered (stance,"
            f" corpus) median {listing['filtered_median_ms']:.1f} ms  (target: median < 50 ms)"
        )
    formats = ["jsonl", "csv"] + (["convokit"] if args.convokit else [])
    for fmt in ("jsonl", "csv"):
        r = child(["--child", "command", fmt])
        print(
            f"export {fmt} by the command (corpus_export to a file): {r['claims']:,} claims in "
            f"{r['seconds']:.1f} s (cpu {r['cpu']:.1f} s) = {r['claims'] / r['seconds']:,.0f} "
            f"claims/s, {r['mb']:.0f} MB, peak RSS {r['rss_mb']:.0f} MB  "
            "(target: >= 50,000 claims/s)",
            flush=True,
        )
    for fmt in formats:
        r = child(["--child", fmt])
        print(
            f"export {fmt} via API: {r['claims']:,} claims in {r['seconds']:.1f} s = "
            f"{r['claims'] / r['seconds']:,.0f} claims/s, {r['mb']:.0f} MB, "
            f"server peak RSS {r['rss_mb']:.0f} MB  (targets: >= 20,000 claims/s, RSS < 200 MB)",
            flush=True,
        )
        if args.direct:
            d = child(["--child", "direct", fmt])
            print(
                f"  the same without the API (corpus_export_stream in process): "
                f"{d['seconds']:.1f} s"
                f" = {d['claims'] / d['seconds']:,.0f} claims/s, peak RSS {d['rss_mb']:.0f} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
