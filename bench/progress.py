"""Server time of the lead's progress view (``/corpora/<slug>/progress/``), in process.

Builds, seeded, a corpus of 1,000 threads of 20 comments each, every thread assigned to all 5
annotators of the corpus, each of whom puts a claim in about half the comments and a reply
label on about three quarters (≈50,000 claims, ≈75,000 reply labels, one history event each,
spread over 30 days), and a quarter of the threads reviewed. Then measures with Django's test
Client (the whole middleware stack and template rendering, no network): the page, the matrix
fragment (htmx, another page of threads) and the whole CSV; median and p95, and the number of
queries each takes.

Run:  .venv/bin/python bench/progress.py [--threads 1000] [--annotators 5] [--runs 15]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/threadlab_bench \
          .venv/bin/python bench/progress.py
Target (issue 9): the page under 500 ms for 1,000 threads × 5 annotators.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

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
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--annotators", type=int, default=5)
    parser.add_argument("--comments", type=int, default=20)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / "threadlab_bench_progress.sqlite3")
    elif not db["TEST"].get("NAME"):
        # A name that starts with the one given (threadlab_bench -> threadlab_bench_progress).
        db["TEST"]["NAME"] = f"{db['NAME']}_progress"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args, connection)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def build(args: argparse.Namespace):  # noqa: ANN201
    from django.contrib.auth.models import User
    from django.utils import timezone

    from annotate.models import (
        AnnotationEvent,
        Assignment,
        Claim,
        CorpusGrant,
        LabelKind,
        LabelValue,
        ReplyLabel,
        ThreadReview,
    )
    from annotate.services.corpora import corpus_create
    from threads.models import Article, Comment

    rng = random.Random(9)
    corpus = corpus_create(slug="bench", title="Bench corpus")
    values = {(v.kind, v.name): v for v in LabelValue.objects.filter(corpus=corpus)}
    claim_type = values[(LabelKind.CLAIM_TYPE, "claim")]
    stances = [v for (kind, _), v in values.items() if kind == LabelKind.STANCE]
    thesis = values[(LabelKind.STANCE_TARGET, "thesis")]
    replies = [v for (kind, _), v in values.items() if kind == LabelKind.REPLY_LABEL]
    users = [User.objects.create_user(f"annotator{i}") for i in range(args.annotators)]
    CorpusGrant.objects.bulk_create(
        [CorpusGrant(user=u, corpus=corpus, role="annotator") for u in users]
    )
    lead = User.objects.create_user("lead", is_staff=True)
    articles = Article.objects.bulk_create(
        [
            Article(corpus=corpus, external_id=f"t{i:05d}", title=f"Thread {i}", body="Thesis.")
            for i in range(args.threads)
        ]
    )
    text = "A comment that says something worth marking."
    comments = Comment.objects.bulk_create(
        [
            Comment(article=a, external_id=f"c{j}", text=text, depth=0, position=j)
            for a in articles
            for j in range(args.comments)
        ],
        batch_size=5000,
    )
    now = timezone.now()
    Assignment.objects.bulk_create(
        [
            Assignment(annotator=u, article=a, status=rng.choice(["todo", "in_progress", "done"]))
            for a in articles
            for u in users
        ],
        batch_size=5000,
    )
    claims, labels, events = [], [], []
    for comment in comments:
        for user in users:
            when = now - dt.timedelta(minutes=rng.randrange(30 * 24 * 60))
            if rng.random() < 0.5:
                claims.append(
                    Claim(
                        annotator=user,
                        article_id=comment.article_id,
                        corpus_id=corpus.pk,
                        comment=comment,
                        start=0,
                        end=9,
                        quote=text[:9],
                        claim_type=claim_type,
                        stance=rng.choice(stances),
                        stance_target=thesis,
                        created_at=when,
                        updated_at=when,
                    )
                )
            if rng.random() < 0.75:
                labels.append(
                    ReplyLabel(
                        annotator=user,
                        article_id=comment.article_id,
                        corpus_id=corpus.pk,
                        comment=comment,
                        label=rng.choice(replies),
                        created_at=when,
                        updated_at=when,
                    )
                )
            events.append((user, comment.article_id, when))
    Claim.objects.bulk_create(claims, batch_size=5000)
    ReplyLabel.objects.bulk_create(labels, batch_size=5000)
    AnnotationEvent.objects.bulk_create(
        [
            AnnotationEvent(
                actor=user, action="create", object_type="claim", object_id=1, article_id=a
            )
            for user, a, _ in events
        ],
        batch_size=5000,
    )
    # created_at is auto_now_add: spread the events over the month as the labels are.
    ThreadReview.objects.bulk_create(
        [ThreadReview(article=a, status="reviewed") for a in articles[: args.threads // 4]]
    )
    return corpus, lead, len(claims), len(labels), events


def run(args: argparse.Namespace, connection) -> None:  # noqa: ANN001
    from django.db.models import Case, When
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from annotate.models import AnnotationEvent

    started = time.perf_counter()
    corpus, lead, n_claims, n_labels, events = build(args)
    ids = list(AnnotationEvent.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        chunk = list(zip(ids[start : start + 2000], events[start : start + 2000], strict=True))
        AnnotationEvent.objects.filter(pk__in=[pk for pk, _ in chunk]).update(
            created_at=Case(*(When(pk=pk, then=e[2]) for pk, e in chunk))
        )
    if connection.vendor == "postgresql":
        # Statistics, as autovacuum keeps them on a live database: right after the bulk load
        # (and the events' mass update) PostgreSQL plans the events query blind, 1.8 s not 0.04.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"{connection.vendor}: {args.threads} threads × {args.annotators} annotators, "
        f"{args.threads * args.comments} comments, {n_claims} claims, {n_labels} reply labels, "
        f"{len(events)} events; built in {time.perf_counter() - started:.1f} s"
    )

    client = Client()
    client.force_login(lead)
    url = reverse("annotate:progress", args=[corpus.slug])
    cases = [
        ("page", url, {}),
        ("matrix fragment (page 5)", f"{url}?page=5", {"HTTP_HX_REQUEST": "true"}),
        ("CSV (every thread)", f"{url}?format=csv", {}),
    ]
    for name, target, headers in cases:

        def get(target: str = target, headers: dict[str, str] = headers) -> int:
            response = client.get(target, **headers)
            assert response.status_code == 200, response.status_code
            if response.streaming:
                return len(b"".join(response.streaming_content))
            return len(response.content)

        get()  # warm up: templates compiled, connection open
        with CaptureQueriesContext(connection) as queries:
            size = get()
        n_queries = len(queries)  # now: the next requests reset the log
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            get()
            times.append((time.perf_counter() - t0) * 1000)
        print(
            f"{name}: median {statistics.median(times):.0f} ms, p95 {percentile(times, 0.95):.0f}"
            f" ms, {n_queries} queries, {size / 1024:.0f} KiB"
        )


if __name__ == "__main__":
    main()
