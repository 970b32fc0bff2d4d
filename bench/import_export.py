"""Import and export throughput, and the export's peak memory, on a synthetic corpus.

    python bench/import_export.py [--threads 100] [--comments 1000] [--max-depth 8]
                                  [--claims-per-comment 0] [--claims] [--relations]

Runs on a fresh database: a SQLite file in a temporary folder, or, when
DATABASE_URL names a PostgreSQL server, a database ``threadlab_bench`` created
on it for the run and dropped after (``--pg-database`` names another).
Generates a jsonl file of ``--threads`` threads of ``--comments`` comments each
(random reply trees up to ``--max-depth`` deep), imports it with
``threads_import``, exports it with ``corpus_export`` (jsonl), then exports
again in a separate process to measure the export's peak resident memory on
its own. ``--claims`` adds annotations: one claim per comment (or
``--claims-per-comment``), about a third of them targeting a claim in the
parent text, and one reply label per comment; ``--relations`` gives half the
claims in comments a relation to another claim of their annotator (up the
chain or in the same text).

Targets: import >= 20,000 comments/s, export >= 50,000 comments/s, export peak
RSS < 150 MB at 1,000,000 comments; with annotations, import >= 10,000
claims/s and export >= 50,000 claims/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "threadlab_bench"
ANNOTATORS = ("ann", "ben", "cat")
WORDS = [
    "the", "russia", "israel", "putin", "visit", "syria", "regime", "assad", "iran",
    "nuclear", "weapons", "west", "allies", "power", "region", "cooperation", "security",
    "sanctions", "missiles", "oil", "gas", "deal", "war", "peace", "talks", "because",
    "however", "therefore", "clearly", "never", "always", "perhaps", "obviously", "strong",
    "weak", "🙂", "ü", "𝕏",
]  # fmt: skip


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()


def generate(
    path: Path, *, threads: int, comments: int, max_depth: int, claims: int, relations: bool
) -> None:
    """Write the synthetic jsonl file, one thread at a time."""
    rng = random.Random(20261127)
    with open(path, "w", encoding="utf-8") as out:
        for t in range(threads):
            record = synthetic_thread(
                rng, t, comments=comments, max_depth=max_depth, claims=claims, relations=relations
            )
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def synthetic_thread(
    rng: random.Random,
    t: int,
    *,
    comments: int,
    max_depth: int,
    claims: int,
    relations: bool = False,
) -> dict[str, Any]:
    """A thread: random reply tree, claims on word spans, some targeting a parent's claim; with
    ``relations``, half the claims in a comment support or attack one of the same annotator's
    in its parent text or earlier in its own."""
    body = " ".join(rng.choices(WORDS, k=120))
    items: list[dict[str, Any]] = []
    depth_of: list[int] = []
    claims_of: dict[str | None, list[tuple[int, str]]] = {None: []}
    labels: list[dict[str, Any]] = []
    claim_list: list[dict[str, Any]] = []

    def add_claims(comment_id: str | None, text: str, parent: str | None) -> None:
        words = text.split(" ")
        for k in range(claims):
            first = rng.randrange(len(words))
            last = min(len(words), first + rng.randint(1, 6))
            start = len(" ".join(words[:first])) + (1 if first else 0)
            end = start + len(" ".join(words[first:last]))
            annotator = ANNOTATORS[k % len(ANNOTATORS)]
            target: object = "thesis" if comment_id is None else "parent"
            candidates = [c for c in claims_of.get(parent, []) if c[1] == annotator]
            if comment_id is not None and candidates and rng.random() < 0.33:
                target = {"claim": rng.choice(candidates)[0]}
            local_id = len(claim_list) + 1
            related = []
            if relations and rng.random() < 0.5:
                mine = [c for c in claims_of.get(comment_id, []) if c[1] == annotator]
                if candidates or mine:
                    other = rng.choice(candidates + mine)[0]
                    related = [{"type": rng.choice(("support", "attack")), "claim": other}]
            claim_list.append(
                {
                    "id": local_id,
                    "annotator": annotator,
                    "comment_id": comment_id,
                    "start": start,
                    "end": end,
                    "text": text[start:end],
                    "claim_type": "claim",
                    "stance": rng.choice(("support", "oppose", "neutral")),
                    "stance_target": target,
                    "note": "",
                    "created_at": "2026-11-27T10:00:00+00:00",
                    "updated_at": "2026-11-27T10:00:00+00:00",
                    "relations": related,
                }
            )
            claims_of.setdefault(comment_id, []).append((local_id, annotator))

    if claims:
        add_claims(None, body, None)
    for n in range(comments):
        shallow = [i for i in range(max(0, n - 50), n) if depth_of[i] < max_depth - 1]
        parent_index = None
        if n and shallow and rng.random() >= 0.3:
            parent_index = rng.choice(shallow)
        depth_of.append(0 if parent_index is None else depth_of[parent_index] + 1)
        cid = f"c{n}"
        parent = None if parent_index is None else f"c{parent_index}"
        text = " ".join(rng.choices(WORDS, k=rng.randint(20, 60)))
        items.append(
            {
                "id": cid,
                "parent_id": parent,
                "author": f"user{rng.randrange(5000)}",
                "text": text,
                "created_at": "2026-11-27T09:00:00+00:00",
                "meta": {},
            }
        )
        if claims:
            add_claims(cid, text, parent)
            labels.append(
                {
                    "annotator": ANNOTATORS[n % len(ANNOTATORS)],
                    "comment_id": cid,
                    "label": rng.choice(("support", "deny", "query", "comment")),
                }
            )
    return {
        "id": f"thread-{t}",
        "title": f"Synthetic thread {t}",
        "body": body,
        "author": "Author",
        "url": f"https://example.org/{t}",
        "created_at": "2026-11-27T08:00:00+00:00",
        "meta": {"synthetic": True},
        "comments": items,
        "annotations": {"claims": claim_list, "reply_labels": labels},
        "gold": {"claims": [], "reply_labels": []},
    }


def export_only(out: Path) -> None:
    """The child process: export the bench corpus, nothing else, so its peak RSS is the export's."""
    setup_django()
    from annotate.exchange import corpus_export
    from threads.models import Corpus

    corpus = Corpus.objects.get(slug="bench")
    summary = corpus_export(corpus=corpus, fmt="jsonl", path=out)
    print(json.dumps({"seconds": summary.seconds, "comments": summary.comments}))


def postgres_database(url: str, name: str) -> tuple[str, str]:
    """Create a fresh threadlab_bench database on the server of ``url``.

    Returns the new database's URL and the URL of the server's ``postgres`` database.
    """
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}")), admin


def drop_postgres_database(admin: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=100)
    parser.add_argument("--comments", type=int, default=1000, help="per thread")
    parser.add_argument("--max-depth", type=int, default=8)
    parser.add_argument("--claims-per-comment", type=int, default=0)
    parser.add_argument(
        "--claims", action="store_true", help="generate annotations (1 claim per text unless set)"
    )
    parser.add_argument(
        "--relations",
        action="store_true",
        help="half the claims in comments relate to another claim (support or attack)",
    )
    parser.add_argument(
        "--pg-database",
        default=BENCH_DB,
        help=f"name of the scratch PostgreSQL database (default: {BENCH_DB})",
    )
    parser.add_argument("--skip-rss", action="store_true", help="no separate export for memory")
    parser.add_argument("--export-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        export_only(args.export_only)
        return
    claims = args.claims_per_comment or (1 if args.claims else 0)

    tmp = Path(tempfile.mkdtemp(prefix="threadlab-bench-"))
    url = os.environ.get("DATABASE_URL", "")
    admin = None
    if url.startswith(("postgres://", "postgresql://")):
        url, admin = postgres_database(url, args.pg_database)
        backend = "postgresql"
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        backend = "sqlite"
    os.environ["DATABASE_URL"] = url
    try:
        run(args, claims, tmp, backend)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if admin:
            from django.db import connections

            connections.close_all()
            drop_postgres_database(admin, args.pg_database)


def server_cpu_seconds() -> float | None:
    """CPU seconds used so far by the PostgreSQL backend serving this process's connection.

    Read from /proc, so only when the server runs on this machine; None otherwise. On a
    shared machine the wall clock swings with the load, CPU seconds much less.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # from the third field on: state, ppid, ...
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def run(args: argparse.Namespace, claims: int, tmp: Path, backend: str) -> None:
    setup_django()
    from django.core.management import call_command

    from annotate.exchange import corpus_export, threads_import
    from threads.models import Corpus

    call_command("migrate", verbosity=0)
    source = tmp / "bench.jsonl"
    started = time.perf_counter()
    generate(
        source,
        threads=args.threads,
        comments=args.comments,
        max_depth=args.max_depth,
        claims=claims,
        relations=args.relations,
    )
    generated = time.perf_counter() - started

    cpu = time.process_time()
    # The summary's seconds end before the commit, where PostgreSQL runs deferred checks
    # (foreign keys): timed here too, so a check that moves to the commit still counts.
    server_cpu = server_cpu_seconds()
    committed = time.perf_counter()
    imported = threads_import(corpus_slug="bench", paths=[source])
    committed = time.perf_counter() - committed
    import_cpu = time.process_time() - cpu
    if server_cpu is not None:
        server_cpu = (server_cpu_seconds() or 0.0) - server_cpu
    cpu = time.process_time()
    exported = corpus_export(
        corpus=Corpus.objects.get(slug="bench"), fmt="jsonl", path=tmp / "export.jsonl"
    )
    export_cpu = time.process_time() - cpu

    rss_mb = None
    if not args.skip_rss:
        child = subprocess.run(
            [sys.executable, __file__, "--export-only", str(tmp / "export-child.jsonl")],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ.copy(),
        )
        json.loads(child.stdout.strip().splitlines()[-1])
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux

    def rate(n: int, seconds: float) -> str:
        return f"{n / seconds:,.0f}/s" if seconds else "-"

    print(
        f"backend {backend}: {imported.threads:,} threads, {imported.comments:,} comments, "
        f"{imported.claims:,} claims ({imported.relations:,} relations), "
        f"{imported.reply_labels:,} reply labels, max depth "
        f"{args.max_depth} (file {source.stat().st_size / 1e6:,.1f} MB, generated in "
        f"{generated:.1f} s)"
    )
    rows = [
        ("step", "seconds", "cpu s", "comments/s", "claims/s", "target"),
        (
            "import",
            f"{imported.seconds:.2f}",
            f"{import_cpu:.2f}",
            rate(imported.comments, imported.seconds),
            rate(imported.claims, imported.seconds) if imported.claims else "-",
            ">= 20,000 comments/s; >= 10,000 claims/s",
        ),
        (
            "import + commit",
            f"{committed:.2f}",
            f"{import_cpu:.2f}",
            rate(imported.comments, committed),
            rate(imported.claims, committed) if imported.claims else "-",
            "",
        ),
        (
            "export jsonl",
            f"{exported.seconds:.2f}",
            f"{export_cpu:.2f}",
            rate(exported.comments, exported.seconds),
            rate(exported.claims, exported.seconds) if exported.claims else "-",
            ">= 50,000 comments/s; >= 50,000 claims/s",
        ),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(
        "(seconds: wall clock, the rates' basis; cpu s: this process only, without the "
        f"database server's share; load average when done: {os.getloadavg()[0]:.1f})"
    )
    if server_cpu is not None:
        print(
            f"database server CPU for the import and its commit: {server_cpu:.2f} s "
            f"(this process's: {import_cpu:.2f} s)"
        )
    if rss_mb is not None:
        print(
            f"export peak RSS (separate process): {rss_mb:,.1f} MB "
            "(target < 150 MB at 1,000,000 comments)"
        )


if __name__ == "__main__":
    main()
