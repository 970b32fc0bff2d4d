"""Agreement figures of a large corpus from the database: from nothing, then from kept figures.

Builds the synthetic corpus of ``bench/agreement.py`` (1,000 threads × 100 comments, 3 of 5
annotators a thread, ~300,000 claims and ~300,000 reply labels) as a jsonl file, imports it
into a scratch database (SQLite in a temporary folder, or a fresh PostgreSQL database on the
server of DATABASE_URL), then times:

- ``corpus_agreement_json`` from nothing: every thread's records read, its figures computed
  and kept, and the corpus report rendered and kept (the issue's target: under 60 s and
  300 MB on this 2-core machine);
- the API (``GET /api/v1/corpora/bench/agreement/`` through Django's test client, the whole
  middleware stack) answering from the kept figures (target: under 200 ms), median of 5;
- the same after one thread's labels changed (that thread alone recomputed).

    .venv/bin/python bench/agreement_db.py [--threads 1000] [--comments 100]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/agreement_db.py --pg-database threadlab_bench_agreement
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_COOKIES", "0")

from agreement import build_thread  # noqa: E402
from import_export import drop_postgres_database, postgres_database  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def text_of(rng: random.Random, length: int) -> str:
    letters = string.ascii_lowercase + "    "
    return "".join(rng.choice(letters) for _ in range(length))


def write_corpus(path: Path, *, threads: int, comments: int) -> int:
    """The records of bench/agreement.py as a jsonl file; returns the number of claims."""
    rng = random.Random(20240611)
    words = random.Random(7)
    total = 0
    with open(path, "w", encoding="utf-8") as out:
        for t in range(threads):
            study = build_thread(rng, comments)
            texts = {text.key: text_of(words, text.length) for text in study.texts}
            last_at_depth: dict[int, str] = {}
            items = []
            for text in study.texts[1:]:
                cid = f"c{text.key}"
                parent = last_at_depth.get(text.depth - 1) if text.depth > 1 else None
                last_at_depth[text.depth] = cid
                items.append({"id": cid, "parent_id": parent, "text": texts[text.key]})
            claims = [
                {
                    "id": n,
                    "annotator": c.annotator,
                    "comment_id": None if c.text_key is None else f"c{c.text_key}",
                    "start": c.start,
                    "end": c.end,
                    "text": texts[c.text_key][c.start : c.end],
                    "claim_type": "claim",
                    "stance": c.stance,
                    # A target claim must be up the reply chain: the bench keeps to values.
                    "stance_target": "thesis" if c.text_key is None else "parent",
                }
                for n, c in enumerate(study.claims, start=1)
            ]
            labels = [
                {"annotator": r.annotator, "comment_id": f"c{r.comment_key}", "label": r.label}
                for r in study.reply_labels
            ]
            total += len(claims)
            record = {
                "id": f"t{t:05d}",
                "title": f"Thread {t}",
                "body": texts[None],
                "comments": items,
                "annotations": {"claims": claims, "reply_labels": labels},
            }
            out.write(json.dumps(record) + "\n")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=100)
    parser.add_argument("--pg-database", default="threadlab_bench_agreement")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="threadlab-agreement-"))
    url = os.environ.get("DATABASE_URL", "")
    admin = None
    if url.startswith(("postgres://", "postgresql://")):
        url, admin = postgres_database(url, args.pg_database)
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if admin:
            from django.db import connections

            connections.close_all()
            drop_postgres_database(admin, args.pg_database)


def run(args: argparse.Namespace, tmp: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from annotate.exchange import threads_import
    from annotate.models import AgreementFigures, Claim
    from annotate.services.agreement import agreement_forget, corpus_agreement_json
    from threads.models import Article, Corpus

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    path = tmp / "bench.jsonl"
    claims = write_corpus(path, threads=args.threads, comments=args.comments)
    threads_import(corpus_slug="bench", paths=[path])
    corpus = Corpus.objects.get(slug="bench")
    print(f"{connection.vendor}: {args.threads} threads, {Claim.objects.count()} claims imported")
    assert Claim.objects.count() == claims

    rss_before = peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    report = json.loads(corpus_agreement_json(corpus=corpus))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"from nothing: {seconds:.1f} s ({cpu:.1f} s CPU), peak RSS {peak_rss_mb():.0f} MB"
        f" (before {rss_before:.0f} MB), {claims / seconds:,.0f} claims/s,"
        f" {AgreementFigures.objects.count()} threads kept"
    )
    print(
        "figures: reply alpha {:.4f}, alpha_U thread mean {:.4f}".format(
            report["corpus"]["reply_labels"]["alpha_nominal"],
            report["corpus"]["claims"]["alpha_u"]["thread_mean"],
        )
    )

    from django.contrib.auth import get_user_model

    from annotate.models import CorpusGrant, GrantRole

    reader = get_user_model().objects.create_user("bench-reader")
    CorpusGrant.objects.create(user=reader, corpus=corpus, role=GrantRole.RESEARCHER)
    client = Client()
    client.force_login(reader)
    url = "/api/v1/corpora/bench/agreement/"
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    print(
        f"API from kept figures: median {statistics.median(timings):.0f} ms"
        f" (min {min(timings):.0f}), {len(queries)} queries, {len(response.content) / 1e6:.1f} MB"
    )
    agreement_forget(article_id=Article.objects.filter(corpus=corpus).first().pk)
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    print(f"API with one thread stale: {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
