"""Server time of the review page and of accepting a claim into gold, in process.

Builds a thread of 2,000 comments labelled by 3 annotators (1,500 claims, a reply label from
each on every comment, with disagreements) in a fresh test database (SQLite in a temporary file,
or the PostgreSQL server in DATABASE_URL), then measures with Django's test Client (the whole
middleware stack and template rendering, no network):

- the review page (GET /review/threads/<id>/), N requests, median and p95, its queries, and the
  queries at a tenth of the size (they must be the same);
- accepting a claim into gold (the htmx POST and the text's block it returns), median and p95.

Run:  .venv/bin/python bench/review_page.py [--pages 20] [--accepts 300]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/threadlab_wt_9review_bench \
          .venv/bin/python bench/review_page.py
Targets (issue 9): page median < 400 ms in constant queries; accept median < 20 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
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
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--claims", type=int, default=1500, help="in all, over 3 annotators")
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--accepts", type=int, default=300)
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
        db["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / "threadlab_bench_review.sqlite3")
    elif not db["TEST"].get("NAME"):
        # A name that starts with the one given, not Django's test_ prefix (see thread_page.py).
        db["TEST"]["NAME"] = f"{db['NAME']}_review_page"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args, connection, CaptureQueriesContext)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def build(*, corpus, title: str, comments: int, claims: int, annotators: list) -> object:
    """A thread of ``comments`` comments, ``claims`` claims spread over ``annotators`` (the
    same spans, stances differing on every third), and a reply label from each on every
    comment (differing on every fifth)."""
    from annotate.models import Assignment, Claim, LabelKind, LabelValue, ReplyLabel
    from tests.annotate.bigthread import build_thread
    from threads.models import Article, Comment

    article = Article.objects.create(
        corpus=corpus, external_id=title, title=title, body="The thesis. " * 40
    )
    build_thread(article=article, comments=comments)
    values = {(v.kind, v.name): v for v in LabelValue.objects.filter(corpus=corpus)}
    texts = list(Comment.objects.filter(article=article).order_by("position"))
    stances = [values[(LabelKind.STANCE, n)] for n in ("support", "oppose", "neutral")]
    replies = [values[(LabelKind.REPLY_LABEL, n)] for n in ("support", "deny", "query")]
    per = claims // len(annotators)
    rows, labels = [], []
    for a, who in enumerate(annotators):
        Assignment.objects.create(annotator=who, article=article, status="done")
        for i in range(per):
            comment = texts[(i * 4 + (a if i % 7 == 0 else 0)) % len(texts)]
            start, end = (8, 20) if i % 2 else (0, 12)
            rows.append(
                Claim(
                    annotator=who,
                    article=article,
                    corpus_id=article.corpus_id,
                    comment=comment,
                    start=start,
                    end=end,
                    quote=comment.text[start:end],
                    claim_type=values[(LabelKind.CLAIM_TYPE, "claim")],
                    stance=stances[a if i % 3 == 0 else 0],
                    stance_target=values[(LabelKind.STANCE_TARGET, "thesis")],
                )
            )
        for i, comment in enumerate(texts):
            labels.append(
                ReplyLabel(
                    annotator=who,
                    article=article,
                    corpus_id=article.corpus_id,
                    comment=comment,
                    label=replies[a if i % 5 == 0 else 1],
                )
            )
    Claim.objects.bulk_create(rows)
    ReplyLabel.objects.bulk_create(labels)
    return article


def run(args: argparse.Namespace, connection, CaptureQueriesContext) -> None:  # noqa: N803
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from annotate.models import Claim, CorpusGrant
    from annotate.services.corpora import corpus_create
    from annotate.services.gold import version_of

    started = time.perf_counter()
    corpus = corpus_create(slug="bench", title="Bench")
    annotators = [User.objects.create_user(n, password="x") for n in ("ann1", "ann2", "ann3")]
    reviewer = User.objects.create_user("reviewer", password="bench-password-1")
    CorpusGrant.objects.create(user=reviewer, corpus=corpus, role="reviewer")
    article = build(
        corpus=corpus,
        title="big",
        comments=args.comments,
        claims=args.claims,
        annotators=annotators,
    )
    small = build(
        corpus=corpus,
        title="small",
        comments=args.comments // 10,
        claims=args.claims // 10,
        annotators=annotators,
    )
    print(
        f"{connection.vendor}: built a thread of {args.comments} comments, "
        f"{Claim.objects.filter(article=article).count()} claims by 3 annotators "
        f"(and one a tenth of its size) in {time.perf_counter() - started:.1f} s"
    )

    client = Client()
    client.force_login(reviewer)

    def page_queries(target) -> tuple[int, int]:
        url = reverse("annotate:review-thread", args=[target.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(queries), len(response.content)

    small_queries, _ = page_queries(small)
    big_queries, big_bytes = page_queries(article)
    url = reverse("annotate:review-thread", args=[article.pk])
    times, cpu = [], []
    for _ in range(args.pages):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200
    print(
        f"review page: {args.pages} requests, median {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, {big_queries} queries "
        f"({small_queries} at a tenth of the size), {big_bytes / 1024:.0f} KiB  "
        "(target: median < 400 ms, constant queries)"
    )
    # Less dependent on what else the machine runs: this process's CPU (Django, the driver,
    # and SQLite itself, which runs in this process; PostgreSQL's own CPU comes on top).
    print(f"  CPU of this process per page: median {statistics.median(cpu):.1f} ms")

    accept = reverse("annotate:review-accept", args=[article.pk])
    # One claim of each span (the first annotator's), so every accept makes a gold claim.
    sources = list(
        Claim.objects.filter(article=article, annotator=annotators[0]).order_by("id")[
            : args.accepts + 2
        ]
    )

    def post(claim):
        data = {"claim": claim.pk, "seen": version_of(claim), "text": str(claim.comment_id)}
        return client.post(
            accept,
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
            HTTP_HX_REQUEST="true",
        )

    post(sources.pop())  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = post(sources.pop())
    assert response.status_code == 200, response.content[:300]
    accept_queries = len(queries)
    times, cpu = [], []
    for claim in sources[: args.accepts]:
        t0, c0 = time.perf_counter(), time.process_time()
        response = post(claim)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, response.content[:300]
    print(
        f"accept a claim (htmx POST + the text's block): {len(times)} accepts, median "
        f"{statistics.median(times):.2f} ms, p95 {percentile(times, 0.95):.2f} ms, "
        f"{accept_queries} queries  (target: median < 20 ms)"
    )
    print(f"  CPU of this process per accept: median {statistics.median(cpu):.2f} ms")


if __name__ == "__main__":
    main()
