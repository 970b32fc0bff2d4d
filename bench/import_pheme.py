"""RumourEval/PHEME import throughput: labelled comments per second, on a synthetic corpus.

    python bench/import_pheme.py [--threads 2000] [--replies 50] [--max-depth 8]
                                 [--gold] [--unlabelled] [--read-only]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/import_pheme.py

Writes ``--threads`` thread folders of ``--replies`` replies each in a temporary folder,
laid out as the RumourEval 2017 release (``rumoureval-data/<event>/<thread id>/
{structure.json, source-tweet/, replies/}``), each tweet a Twitter API v1.1 object of the
size the release's are (about 2.5 kB, most of it the ``user`` object), every tweet labelled
in one task A labels file (a few of the labels name tweets of no thread, as the real file's
do). Then imports the folder with ``threads_import`` on a fresh database: a SQLite file in
the temporary folder, or, when DATABASE_URL names a PostgreSQL server, a database
``threadlab_bench_pheme`` created for the run and dropped after. ``--read-only`` times the
reader alone (no database); ``--unlabelled`` imports without the labels file.

Target: >= 10,000 labelled comments/s on both databases (issue 11).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from import_export import (  # noqa: E402
    drop_postgres_database,
    postgres_database,
    server_cpu_seconds,
    setup_django,
)

BENCH_DB = "threadlab_bench_pheme"
EVENTS = ("charliehebdo", "ebola-essien", "ferguson", "germanwings-crash", "ottawashooting")
LABELS = ("support", "deny", "query", "comment")
WORDS = [
    "breaking", "police", "confirm", "reports", "say", "gunmen", "paris", "killed", "source",
    "unconfirmed", "hostage", "siege", "officers", "plane", "crash", "alps", "passengers",
    "update", "rt", "via", "please", "stay", "safe", "really", "fake", "wrong", "true",
    "#news", "@reuters", "&amp;", "🙏", "ü",
]  # fmt: skip
FIRST_ID = 552_000_000_000_000_000
STARTED = datetime(2015, 1, 7, 11, 0, tzinfo=UTC)


def user(rng: random.Random) -> dict[str, Any]:
    uid = rng.randrange(10**6, 3 * 10**9)
    name = f"user{uid % 100_000}"
    return {
        "id": uid,
        "id_str": str(uid),
        "name": name.title(),
        "screen_name": name,
        "location": "Paris, France",
        "description": " ".join(rng.choices(WORDS, k=12)),
        "url": None,
        "entities": {"description": {"urls": []}},
        "protected": False,
        "followers_count": rng.randrange(20_000),
        "friends_count": rng.randrange(2_000),
        "listed_count": rng.randrange(100),
        "created_at": "Tue Mar 03 09:14:26 +0000 2009",
        "favourites_count": rng.randrange(5_000),
        "utc_offset": 3600,
        "time_zone": "Paris",
        "geo_enabled": False,
        "verified": False,
        "statuses_count": rng.randrange(50_000),
        "lang": "en",
        "contributors_enabled": False,
        "is_translator": False,
        "is_translation_enabled": False,
        "profile_background_color": "C0DEED",
        "profile_background_image_url": "http://abs.twimg.com/images/themes/theme1/bg.png",
        "profile_background_image_url_https": "https://abs.twimg.com/images/themes/theme1/bg.png",
        "profile_background_tile": False,
        "profile_image_url": f"http://pbs.twimg.com/profile_images/{uid}/a_normal.jpeg",
        "profile_image_url_https": f"https://pbs.twimg.com/profile_images/{uid}/a_normal.jpeg",
        "profile_link_color": "0084B4",
        "profile_sidebar_border_color": "C0DEED",
        "profile_sidebar_fill_color": "DDEEF6",
        "profile_text_color": "333333",
        "profile_use_background_image": True,
        "default_profile": True,
        "default_profile_image": False,
        "following": False,
        "follow_request_sent": False,
        "notifications": False,
    }


def tweet(
    rng: random.Random, tid: int, when: datetime, parent: tuple[int, str] | None
) -> dict[str, Any]:
    author = user(rng)
    text = " ".join(rng.choices(WORDS, k=rng.randint(8, 20)))
    if parent is not None:
        text = f"@{parent[1]} {text}"
    return {
        "contributors": None,
        "truncated": False,
        "text": text,
        "in_reply_to_status_id": parent[0] if parent else None,
        "id": tid,
        "favorite_count": rng.randrange(50),
        "source": '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for'
        " iPhone</a>",
        "retweeted": False,
        "coordinates": None,
        "entities": {"symbols": [], "user_mentions": [], "hashtags": [], "urls": []},
        "in_reply_to_screen_name": parent[1] if parent else None,
        "in_reply_to_user_id": None,
        "retweet_count": rng.randrange(50),
        "id_str": str(tid),
        "favorited": False,
        "user": author,
        "geo": None,
        "in_reply_to_user_id_str": None,
        "possibly_sensitive": False,
        "lang": "en",
        "created_at": when.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "in_reply_to_status_id_str": str(parent[0]) if parent else None,
        "place": None,
    }


def generate(root: Path, *, threads: int, replies: int, max_depth: int) -> Path:
    """Write the thread folders under ``root/rumoureval-data`` and the labels file; its path."""
    rng = random.Random(20150107)
    labels: dict[str, str] = {}
    next_id = FIRST_ID
    for t in range(threads):
        source_id = next_id
        next_id += 1000
        when = STARTED + timedelta(minutes=t)
        folder = root / "rumoureval-data" / EVENTS[t % len(EVENTS)] / str(source_id)
        (folder / "source-tweet").mkdir(parents=True)
        (folder / "replies").mkdir()
        source = tweet(rng, source_id, when, None)
        (folder / "source-tweet" / f"{source_id}.json").write_bytes(orjson.dumps(source))
        labels[str(source_id)] = "support"
        # A random reply tree: each reply answers the source or one of the last 20 replies.
        nodes: list[tuple[int, str, int]] = [(source_id, source["user"]["screen_name"], 0)]
        tree: dict[str, Any] = {}
        subtree: dict[int, dict[str, Any]] = {source_id: tree}
        for r in range(replies):
            reply_id = next_id
            next_id += 1
            candidates = [n for n in nodes[-20:] if n[2] < max_depth] + [nodes[0]]
            parent_id, parent_name, depth = rng.choice(candidates)
            reply = tweet(rng, reply_id, when + timedelta(seconds=r + 1), (parent_id, parent_name))
            (folder / "replies" / f"{reply_id}.json").write_bytes(orjson.dumps(reply))
            nodes.append((reply_id, reply["user"]["screen_name"], depth + 1))
            subtree[reply_id] = {}
            subtree[parent_id][str(reply_id)] = subtree[reply_id]
            labels[str(reply_id)] = rng.choice(LABELS)
        next_id = max(next_id, source_id + 1000)
        (folder / "structure.json").write_bytes(orjson.dumps({str(source_id): tree}))
    for n in range(100):  # tweets of threads that are not in this import
        labels[str(1000 + n)] = rng.choice(LABELS)
    path = root / "traindev" / "rumoureval-subtaskA-train.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(orjson.dumps(labels))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--replies", type=int, default=50, help="per thread")
    parser.add_argument("--max-depth", type=int, default=8)
    parser.add_argument("--gold", action="store_true", help="import the labels as gold")
    parser.add_argument("--unlabelled", action="store_true", help="no labels file")
    parser.add_argument("--read-only", action="store_true", help="time the reader alone")
    parser.add_argument("--pg-database", default=BENCH_DB)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="threadlab-bench-pheme-"))
    url = os.environ.get("DATABASE_URL", "")
    admin = None
    if url.startswith(("postgres://", "postgresql://")) and not args.read_only:
        url, admin = postgres_database(url, args.pg_database)
        backend = "postgresql"
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        backend = "sqlite"
    os.environ["DATABASE_URL"] = url
    try:
        run(args, tmp, backend)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if admin:
            from django.db import connections

            connections.close_all()
            drop_postgres_database(admin, args.pg_database)


def run(args: argparse.Namespace, tmp: Path, backend: str) -> None:
    setup_django()
    from django.core.management import call_command

    from annotate.exchange import threads_import
    from threads.formats import pheme
    from threads.formats.records import ReadOptions

    started = time.perf_counter()
    labels = generate(tmp, threads=args.threads, replies=args.replies, max_depth=args.max_depth)
    generated = time.perf_counter() - started
    folder = tmp / "rumoureval-data"
    options = ReadOptions(
        labels=None if args.unlabelled else labels,
        annotator=None if args.unlabelled else "rumoureval",
        as_gold=args.gold,
    )
    print(
        f"{args.threads:,} threads x {args.replies:,} replies (max depth {args.max_depth}),"
        f" every tweet labelled; generated in {generated:.1f} s"
    )
    if args.read_only:
        cpu = time.process_time()
        started = time.perf_counter()
        comments = sum(len(t.comments) for t in pheme.read(folder, options))
        seconds = time.perf_counter() - started
        print(
            f"reader alone: {comments:,} replies in {seconds:.2f} s ({comments / seconds:,.0f}"
            f" replies/s; cpu {time.process_time() - cpu:.2f} s)"
        )
        return

    call_command("migrate", verbosity=0)
    cpu = time.process_time()
    server_cpu = server_cpu_seconds()
    committed = time.perf_counter()
    summary = threads_import(corpus_slug="bench", paths=[folder], options=options)
    committed = time.perf_counter() - committed
    cpu = time.process_time() - cpu
    if server_cpu is not None:
        server_cpu = (server_cpu_seconds() or 0.0) - server_cpu
    labelled = summary.reply_labels
    print(
        f"backend {backend}: {summary.threads:,} threads, {summary.comments:,} comments,"
        f" {labelled:,} reply labels{' (gold)' if args.gold else ''}"
    )
    for step, seconds in (("import", summary.seconds), ("import + commit", committed)):
        rate = (labelled or summary.comments) / seconds
        print(
            f"  {step:<16} {seconds:6.2f} s  {rate:>9,.0f} "
            f"{'labelled comments' if labelled else 'comments'}/s  (target >= 10,000)"
        )
    print(
        f"  cpu s of this process: {cpu:.2f}"
        + (f"; database server: {server_cpu:.2f}" if server_cpu is not None else "")
        + f"; load average when done: {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
