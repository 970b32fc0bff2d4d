"""The load test's data, before and after the run (``bench/load.py`` is the run itself).

Before (``setup``): a corpus ``load`` of threads, 50 annotators with their assignments,
3 reviewers and 2 researchers (with API tokens), written to the database in DATABASE_URL;
the plan the simulated users follow (who signs in as whom, which threads, which label ids)
goes to ``var/load/plan.json``.

After (``check``): every save the run logged as answered 200 (``var/load/saves.csv``,
written by bench/load.py) is looked up by its client token: each must be exactly one claim
in the database; every request (``var/load/requests.csv``) must have been answered in the
end, sent again after an error at most. Then the figures locust wrote
(``var/load/run_stats.csv``) and the server's memory over the run (``var/load/memory.csv``)
are printed against the targets (issue 12): zero errors, p95 < 300 ms for saves and page
loads, memory flat.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/threadlab_load \\
        .venv/bin/python bench/load_plan.py setup
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/threadlab_load \\
        .venv/bin/python bench/load_plan.py check
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

import django  # noqa: E402

OUT = ROOT / "var" / "load"
PASSWORD = "load-password-1"
SLUG = "load"
# Page loads and saves: the requests the p95 target applies to (locust's names, bench/load.py).
TARGETED = ("save claim", "reply label", "thread page", "comments page", "mark done")


def setup(*, annotators: int, threads: int, comments: int, per_thread: int) -> None:
    django.setup()
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from annotate.models import GrantRole, LabelKind, LabelValue
    from annotate.services.assignments import assignment_overlap_create
    from annotate.services.corpora import corpus_get_or_create
    from annotate.services.grants import corpus_grant_add
    from threads.models import Article, Comment

    corpus, _ = corpus_get_or_create(slug=SLUG, title="Load test")
    Article.objects.filter(corpus=corpus).delete()
    articles = Article.objects.bulk_create(
        Article(
            corpus=corpus,
            external_id=f"load-{n}",
            title=f"Load thread {n}",
            body="The thesis of the thread, with a few words to label. " * 8,
        )
        for n in range(threads)
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            external_id=f"{article.external_id}-c{i}",
            text=f"Comment {i} 😀 with a few words to label in it, and a few more.",
            depth=0,
            position=i,
        )
        for article in articles
        for i in range(comments)
    )

    def account(username: str) -> User:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(PASSWORD)
        user.save()
        return user

    people = [account(f"load-annotator-{n}") for n in range(1, annotators + 1)]
    reviewers = [account(f"load-reviewer-{n}") for n in range(1, 4)]
    researchers = [account(f"load-researcher-{n}") for n in range(1, 3)]
    for user in people:
        corpus_grant_add(corpus=corpus, user=user, role=GrantRole.ANNOTATOR)
    for user in reviewers:
        corpus_grant_add(corpus=corpus, user=user, role=GrantRole.REVIEWER)
    for user in researchers:
        corpus_grant_add(corpus=corpus, user=user, role=GrantRole.RESEARCHER)
    assignment_overlap_create(corpus=corpus, k=per_thread, annotators=people, seed=1)
    values = {(v.kind, v.name): v.pk for v in LabelValue.objects.filter(corpus=corpus)}
    comments_of: dict[int, list[tuple[int, str]]] = {}
    for article_id, comment_id, text in (
        Comment.objects.filter(article__corpus=corpus)
        .order_by("article_id", "position")
        .values_list("article_id", "pk", "text")
    ):
        comments_of.setdefault(article_id, []).append((comment_id, text))
    plan = {
        "password": PASSWORD,
        "corpus": SLUG,
        "annotators": {
            user.username: sorted(
                user.assignments.filter(article__corpus=corpus).values_list("article_id", flat=True)
            )
            for user in people
        },
        "reviewers": [u.username for u in reviewers],
        "researchers": {
            u.username: Token.objects.get_or_create(user=u)[0].key for u in researchers
        },
        "threads": [a.pk for a in articles],
        "comments": {str(k): v for k, v in comments_of.items()},
        "labels": {
            "claim_type": values[(LabelKind.CLAIM_TYPE, "claim")],
            "stances": [values[(LabelKind.STANCE, n)] for n in ("support", "oppose", "neutral")],
            "target": f"v{values[(LabelKind.STANCE_TARGET, 'thesis')]}",
            "reply_labels": [
                pk for (kind, _), pk in values.items() if kind == LabelKind.REPLY_LABEL
            ],
        },
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in ("saves.csv", "requests.csv", "memory.csv"):
        (OUT / stale).unlink(missing_ok=True)
    (OUT / "plan.json").write_text(json.dumps(plan, indent=1))
    print(
        f"corpus {SLUG!r}: {threads} threads x {comments} comments, {annotators} annotators"
        f" ({per_thread} a thread), 3 reviewers, 2 researchers; plan in {OUT / 'plan.json'}"
    )


def check() -> int:
    django.setup()
    from annotate.models import Claim

    log = OUT / "saves.csv"
    saves = list(csv.DictReader(log.open())) if log.exists() else []
    answered = [row for row in saves if row["status"] == "200"]
    tokens = [row["client_token"] for row in answered]
    found: dict[str, int] = {}
    for start in range(0, len(tokens), 5000):
        for token in Claim.objects.filter(
            client_token__in=tokens[start : start + 5000]
        ).values_list("client_token", flat=True):
            found[str(token)] = found.get(str(token), 0) + 1
    missing = [t for t in tokens if t not in found]
    doubled = [t for t, n in found.items() if n > 1]
    retried = sum(int(row["attempts"]) > 1 for row in saves)
    print(
        f"saves logged: {len(saves)}, answered 200: {len(answered)}, retried: {retried},"
        f" in the database: {len(found)}, missing: {len(missing)}, twice: {len(doubled)}"
    )
    failed = len(missing) + len(doubled)
    # Every request's outcome (bench/load.py's send): failed attempts sent again and then
    # answered are what a kill or a restart may cost; a request that failed for good is not.
    outcomes = OUT / "requests.csv"
    final_failures = None
    if outcomes.exists():
        rows = list(csv.DictReader(outcomes.open()))
        final_failures = [r for r in rows if not 0 < int(r["status"]) < 400]
        retried = [r for r in rows if int(r["attempts"]) > 1]
        print(
            f"requests: {len(rows)}, sent again after an error: {len(retried)}"
            f" ({len(retried) - sum(r in final_failures for r in retried)} then answered),"
            f" failed for good: {len(final_failures)}"
            + "".join(f"\n  {r['name']}: {r['status']}" for r in final_failures[:20])
        )
        failed += len(final_failures)

    stats = OUT / "run_stats.csv"
    if stats.exists():
        print(f"{'request':<28}{'count':>8}{'fails':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
        for row in csv.DictReader(stats.open()):
            name = f"{row['Type']} {row['Name']}".strip() if row["Name"] != "Aggregated" else "all"
            print(
                f"{name[:27]:<28}{row['Request Count']:>8}{row['Failure Count']:>7}"
                f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
            )
            if row["Name"] in TARGETED and float(row["95%"] or 0) >= 300:
                print(f"  ^ p95 over the 300 ms target: {row['Name']}")
                failed += 1
            if row["Name"] == "Aggregated" and int(row["Failure Count"]) and final_failures is None:
                failed += 1  # without the outcomes, every failed attempt counts
    memory = OUT / "memory.csv"
    if memory.exists():
        rows = list(csv.DictReader(memory.open()))
        if rows:
            first, last = rows[0], rows[-1]
            peak = max(float(r["total_mb"]) for r in rows)
            print(
                f"server memory (gunicorn, all processes): {float(first['total_mb']):.0f} MB at"
                f" {first['seconds']} s, {float(last['total_mb']):.0f} MB at {last['seconds']} s,"
                f" peak {peak:.0f} MB ({len(rows)} samples)"
            )
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    prepare = sub.add_parser("setup")
    prepare.add_argument("--annotators", type=int, default=50)
    prepare.add_argument("--threads", type=int, default=250)
    prepare.add_argument("--comments", type=int, default=60)
    prepare.add_argument("--per-thread", type=int, default=3, help="annotators a thread")
    sub.add_parser("check")
    args = parser.parse_args()
    if args.step == "setup":
        setup(
            annotators=args.annotators,
            threads=args.threads,
            comments=args.comments,
            per_thread=args.per_thread,
        )
    else:
        sys.exit(check())


if __name__ == "__main__":
    main()
